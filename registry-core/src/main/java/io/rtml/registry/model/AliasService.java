package io.rtml.registry.model;

import io.rtml.problem.ErrorCode;
import io.rtml.problem.RtmlException;
import io.rtml.registry.access.Actor;
import io.rtml.registry.access.Resource;
import io.rtml.registry.access.Role;
import io.rtml.registry.audit.AuditLog;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Moves aliases between versions. That an alias points at an existing version of the same model
 * is a foreign key in the schema; this service turns its violation into a clear 404.
 */
@Service
public class AliasService {

    private final RegisteredModelRepository models;
    private final ModelAliasRepository aliases;
    private final AuditLog audit;
    private final Clock clock;
    private final ApplicationEventPublisher publisher;

    AliasService(RegisteredModelRepository models, ModelAliasRepository aliases, AuditLog audit, Clock clock,
            ApplicationEventPublisher publisher) {
        this.models = models;
        this.aliases = aliases;
        this.audit = audit;
        this.clock = clock;
        this.publisher = publisher;
    }

    @Transactional
    public AliasResponse set(String modelName, String alias, int version, Actor actor) {
        actor.require(Role.PUBLISHER, Resource.MODEL, modelName);
        Names.checkAlias(alias);
        RegisteredModel model = models.lockByName(modelName).orElseThrow(() -> ModelService.notFound(modelName));
        if (version > model.latestVersion()) {
            throw new RtmlException(ErrorCode.VERSION_NOT_FOUND, "model '" + modelName + "' has no version " + version);
        }
        ModelAlias row = aliases.findByKeyModelIdAndKeyAlias(model.id(), alias).orElse(null);
        Integer previous = row == null ? null : row.version();
        if (row == null) {
            row = new ModelAlias(model.id(), alias, version, actor.name(), clock.instant());
        } else {
            row.point(version, actor.name(), clock.instant());
        }
        try {
            aliases.saveAndFlush(row);
        } catch (DataIntegrityViolationException e) {
            throw new RtmlException(ErrorCode.VERSION_NOT_FOUND, "model '" + modelName + "' has no version " + version, e);
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("alias", alias);
        details.put("version", version);
        if (previous != null) {
            details.put("previousVersion", previous);
        }
        audit.record(actor, "alias.set", "model", modelName, details);
        if (!Integer.valueOf(version).equals(previous)) {
            // Listeners run now, in this transaction: what they start commits or rolls back with the move.
            publisher.publishEvent(new AliasMoved(model.id(), modelName, alias, version, actor));
        }
        return new AliasResponse(modelName, alias, version);
    }

    @Transactional
    public void delete(String modelName, String alias, Actor actor) {
        actor.require(Role.PUBLISHER, Resource.MODEL, modelName);
        RegisteredModel model = models.lockByName(modelName).orElseThrow(() -> ModelService.notFound(modelName));
        ModelAlias row = aliases.findByKeyModelIdAndKeyAlias(model.id(), alias).orElseThrow(() -> notFound(modelName, alias));
        aliases.delete(row);
        audit.record(actor, "alias.delete", "model", modelName, Map.of("alias", alias, "version", row.version()));
    }

    /** The version an alias points at, if the model has that alias. */
    @Transactional(readOnly = true)
    public Optional<Integer> resolve(Long modelId, String alias) {
        return aliases.findByKeyModelIdAndKeyAlias(modelId, alias).map(ModelAlias::version);
    }

    @Transactional(readOnly = true)
    public Map<String, Integer> aliasesOf(Long modelId) {
        Map<String, Integer> byName = new LinkedHashMap<>();
        aliases.findByKeyModelIdOrderByKeyAlias(modelId).forEach(a -> byName.put(a.alias(), a.version()));
        return byName;
    }

    /** Aliases of several models in one query: model id → alias → version. */
    @Transactional(readOnly = true)
    public Map<Long, Map<String, Integer>> aliasesOf(java.util.Collection<Long> modelIds) {
        Map<Long, Map<String, Integer>> byModel = new java.util.HashMap<>();
        if (!modelIds.isEmpty()) {
            aliases.findByKeyModelIdInOrderByKeyAlias(modelIds).forEach(a ->
                    byModel.computeIfAbsent(a.modelId(), id -> new LinkedHashMap<>()).put(a.alias(), a.version()));
        }
        return byModel;
    }

    static RtmlException notFound(String modelName, String alias) {
        return new RtmlException(ErrorCode.ALIAS_NOT_FOUND, "model '" + modelName + "' has no alias '" + alias + "'");
    }
}
