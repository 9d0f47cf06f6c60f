package io.rtml.registry.version;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * When the objects of deleted versions leave the object store.
 *
 * @param reclaimGrace how long an artifact stays after the last version that referred to it was
 *     deleted (default 1h); longer than {@code rtml.s3.presign-ttl}, so a URL handed to a node or a
 *     client just before still works
 * @param reclaimInterval how often the registry looks for artifacts past their grace (default 5m)
 */
@ConfigurationProperties("rtml.registry.artifacts")
public record ReclaimProperties(@DefaultValue("1h") Duration reclaimGrace, @DefaultValue("5m") Duration reclaimInterval) {}
