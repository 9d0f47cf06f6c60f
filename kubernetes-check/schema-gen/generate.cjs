// Regenerates src/test/resources/kubernetes-schema/kubernetes-1.27.1.json (see the README beside it).
// Usage: node generate.cjs <kubernetes-models package dir> <@kubernetes-models/apimachinery package dir> <out.json>
// Loads every schema the two npm packages register, keeps the closure of the resource kinds the chart
// renders, and rewrites their "$ref": "<id>#" into local "#/definitions/<id>" references.
const fs = require('fs');
const path = require('path');
const Module = require('module');

const [models, apimachinery, out] = process.argv.slice(2);
const registered = {};
const stub = { register: (id, schema) => { registered[id] = schema; } };
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, parent, ...rest) {
  if (request === '@kubernetes-models/validate') return '@validate-stub';
  if (request.startsWith('@kubernetes-models/apimachinery/')) {
    return resolve.call(this, path.join(apimachinery, request.substring('@kubernetes-models/apimachinery/'.length)), parent, ...rest);
  }
  return resolve.call(this, request, parent, ...rest);
};
require.cache['@validate-stub'] = { id: '@validate-stub', filename: '@validate-stub', loaded: true, exports: stub };

for (const dir of [path.join(apimachinery, '_schemas'), path.join(models, '_schemas')]) {
  for (const file of fs.readdirSync(dir).filter(f => f.endsWith('.js'))) {
    require(path.join(dir, file)).addSchema();
  }
}

const kinds = {
  'apps/v1/Deployment': 'io.k8s.api.apps.v1.Deployment',
  'apps/v1/StatefulSet': 'io.k8s.api.apps.v1.StatefulSet',
  'batch/v1/Job': 'io.k8s.api.batch.v1.Job',
  'v1/Service': 'io.k8s.api.core.v1.Service',
  'v1/Secret': 'io.k8s.api.core.v1.Secret',
  'v1/ConfigMap': 'io.k8s.api.core.v1.ConfigMap',
  'v1/ServiceAccount': 'io.k8s.api.core.v1.ServiceAccount',
  'policy/v1/PodDisruptionBudget': 'io.k8s.api.policy.v1.PodDisruptionBudget',
  'rbac.authorization.k8s.io/v1/Role': 'io.k8s.api.rbac.v1.Role',
  'rbac.authorization.k8s.io/v1/RoleBinding': 'io.k8s.api.rbac.v1.RoleBinding',
};

const definitions = {};
const visit = (id) => {
  if (definitions[id]) return;
  if (!registered[id]) throw new Error('no schema ' + id);
  const text = JSON.stringify(registered[id]).replace(/"\$ref":"([^"#]+)#"/g, (_, ref) => {
    visit(ref);
    return '"$ref":"#/definitions/' + ref + '"';
  });
  definitions[id] = JSON.parse(text);
};
Object.values(kinds).forEach(visit);
const sorted = {};
Object.keys(definitions).sort().forEach(k => { sorted[k] = definitions[k]; });
fs.writeFileSync(out, JSON.stringify({ kinds, definitions: sorted }, null, 1) + '\n');
console.log(Object.keys(sorted).length + ' definitions');
