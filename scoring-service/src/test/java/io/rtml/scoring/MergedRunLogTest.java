package io.rtml.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.rtml.scoring.PipelinedClient.Request;
import io.rtml.scoring.runtime.Inference;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** A merged run that fails is redone request by request, and says so in the log (it used to say nothing). */
class MergedRunLogTest extends OneNodeTest {

    @Test
    void aRejectedMergedRunLeavesALogLine() throws Exception {
        node.deploy(artifacts, "bert", 1, BadInputTest.model("tiny_bert_pytorch"), null);
        String infer = "/v2/models/bert/infer";
        String row = "{\"inputs\":[{\"name\":\"input_ids\",\"datatype\":\"INT64\",\"shape\":[1,4],\"data\":[101,%d,1473,102]},"
                + "{\"name\":\"attention_mask\",\"datatype\":\"INT64\",\"shape\":[1,4],\"data\":[1,1,1,1]},"
                + "{\"name\":\"token_type_ids\",\"datatype\":\"INT64\",\"shape\":[1,4],\"data\":[0,0,0,0]}]}";
        Logger logger = (Logger) LoggerFactory.getLogger(Inference.class);
        Level level = logger.getLevel();
        ListAppender<ILoggingEvent> events = new ListAppender<>();
        events.start();
        logger.addAppender(events);
        logger.setLevel(Level.DEBUG);
        try (PipelinedClient client = new PipelinedClient(node.node.port())) {
            List<PipelinedClient.Response> r = client.send(List.of(Request.post(infer, row.formatted(1257)),
                    Request.post(infer, row.formatted(99_999_999)), Request.post(infer, row.formatted(1257))));
            assertThat(r).extracting(PipelinedClient.Response::status).containsExactly(200, 400, 200);
        } finally {
            logger.detachAppender(events);
            logger.setLevel(level);
        }
        // A request's own bad values are routine: DEBUG, not a warning.
        assertThat(events.list).anySatisfy(e -> {
            assertThat(e.getLevel()).isEqualTo(Level.DEBUG);
            assertThat(e.getFormattedMessage()).startsWith("merged run of 3 predictions on version 1 rejected, "
                    + "running them one by one: the model rejected the input");
        });
    }
}
