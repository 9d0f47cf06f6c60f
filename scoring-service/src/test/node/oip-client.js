// A client of the scoring node's OIP gRPC service built only from @grpc/grpc-js and
// @grpc/proto-loader: it knows the protocol, not the node. Usage:
//   node oip-client.js HOST:PORT PROTO_FILE MODEL REQUEST_JSON_FILE [API_KEY]
// REQUEST_JSON_FILE holds OIP inputs ({"inputs": [{name, datatype, shape, data}]}); they travel as
// raw_input_contents. Prints one JSON line: live, the model's metadata, the decoded outputs and
// the rtml-model-version trailer; a failed call prints {"error": {code, details}}.
const fs = require('fs');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');

const [address, protoFile, model, requestFile, apiKey] = process.argv.slice(2);
const definition = protoLoader.loadSync(protoFile, {keepCase: true, longs: String, enums: String, defaults: true});
const inference = grpc.loadPackageDefinition(definition).inference;
const client = new inference.GRPCInferenceService(address, grpc.credentials.createInsecure());
const metadata = new grpc.Metadata();
if (apiKey) {
  metadata.set('authorization', 'Bearer ' + apiKey);
}

const SIZES = {BOOL: 1, INT8: 1, UINT8: 1, INT16: 2, UINT16: 2, FP16: 2, INT32: 4, UINT32: 4, FP32: 4, INT64: 8, UINT64: 8, FP64: 8};

function flatten(data, out = []) {
  if (Array.isArray(data)) {
    data.forEach(d => flatten(d, out));
  } else {
    out.push(data);
  }
  return out;
}

function encode(input) {
  const values = flatten(input.data);
  if (input.datatype === 'BYTES') {
    return Buffer.concat(values.map(v => {
      const bytes = Buffer.from(String(v), 'utf8');
      const length = Buffer.alloc(4);
      length.writeUInt32LE(bytes.length);
      return Buffer.concat([length, bytes]);
    }));
  }
  const size = SIZES[input.datatype];
  const buf = Buffer.alloc(values.length * size);
  values.forEach((v, i) => {
    switch (input.datatype) {
      case 'FP32': buf.writeFloatLE(v, i * 4); break;
      case 'FP64': buf.writeDoubleLE(v, i * 8); break;
      case 'INT64': buf.writeBigInt64LE(BigInt(v), i * 8); break;
      case 'INT32': buf.writeInt32LE(v, i * 4); break;
      case 'BOOL': buf.writeUInt8(v ? 1 : 0, i); break;
      default: throw new Error('this client does not encode ' + input.datatype);
    }
  });
  return buf;
}

function decode(datatype, buf) {
  const out = [];
  let at = 0;
  while (at < buf.length) {
    switch (datatype) {
      case 'FP32': out.push(buf.readFloatLE(at)); at += 4; break;
      case 'FP64': out.push(buf.readDoubleLE(at)); at += 8; break;
      case 'INT64': out.push(Number(buf.readBigInt64LE(at))); at += 8; break;
      case 'INT32': out.push(buf.readInt32LE(at)); at += 4; break;
      case 'BOOL': out.push(buf.readUInt8(at) !== 0); at += 1; break;
      case 'BYTES': {
        const n = buf.readUInt32LE(at);
        out.push(buf.toString('utf8', at + 4, at + 4 + n));
        at += 4 + n;
        break;
      }
      default: throw new Error('this client does not decode ' + datatype);
    }
  }
  return out;
}

// Settles once both the callback and the 'status' event (which carries the trailers) have come.
function call(method, request) {
  return new Promise((resolve, reject) => {
    let result = null;
    let trailers = null;
    const settle = () => {
      if (result && trailers) {
        result.error ? reject(result.error) : resolve({response: result.response, trailers});
      }
    };
    const c = client[method](request, metadata, (error, response) => { result = {error, response}; settle(); });
    c.on('status', status => { trailers = status.metadata; settle(); });
  });
}

async function main() {
  const inputs = JSON.parse(fs.readFileSync(requestFile, 'utf8')).inputs;
  const live = (await call('ServerLive', {})).response.live;
  const meta = (await call('ModelMetadata', {name: model})).response;
  const infer = await call('ModelInfer', {
    model_name: model,
    id: 'node-client',
    inputs: inputs.map(i => ({name: i.name, datatype: i.datatype, shape: i.shape})),
    raw_input_contents: inputs.map(encode),
  });
  const r = infer.response;
  const outputs = r.outputs.map((o, k) => ({
    name: o.name,
    datatype: o.datatype,
    shape: o.shape.map(Number),
    parameters: o.parameters.content_type ? {content_type: o.parameters.content_type.string_param} : undefined,
    data: decode(o.datatype, r.raw_output_contents[k]),
  }));
  const version = infer.trailers.get('rtml-model-version')[0] || null;
  console.log(JSON.stringify({live, platform: meta.platform, versions: meta.versions, model_version: r.model_version,
    id: r.id, trailer_version: version, outputs}));
}

main().catch(e => {
  console.log(JSON.stringify({error: {code: e.code, details: e.details}}));
}).finally(() => client.close());
