package io.rtml.registry.model;

import io.rtml.problem.ErrorCode;
import io.rtml.problem.RtmlException;
import io.rtml.registry.access.Actor;
import io.rtml.registry.access.Resource;
import io.rtml.registry.access.Role;
import io.rtml.registry.access.Scopes;
import io.rtml.registry.audit.AuditLog;
import io.rtml.registry.paging.Page;
import io.rtml.registry.paging.PageRequest;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Creates, finds, changes and deletes registered models. */
@Service
public class ModelService {

    private final RegisteredModelRepository models;
    private final ModelSearch search;
    private final AliasService aliases;
    private final AuditLog audit;
    private final Clock clock;

    ModelService(RegisteredModelRepository models, ModelSearch search, AliasService aliases, AuditLog audit, Clock clock) {
        this.models = models;
        this.search = search;
        this.aliases = aliases;
        this.audit = audit;
        this.clock = clock;
    }

    @Transactional
    public ModelResponse create(CreateModelRequest request, Actor actor) {
        String name = Names.checkModelName(request.name());
        actor.require(Role.PUBLISHER, Resource.MODEL, name);
        Map<String, String> tags = Names.checkTags(request.tags());
        if (models.existsByName(name)) {
            throw alreadyExists(name, null);
        }
        RegisteredModel model;
        try {
            model = models.saveAndFlush(new RegisteredModel(name, request.description(), tags, actor.name(), clock.instant()));
        } catch (DataIntegrityViolationException e) {
            throw alreadyExists(name, e); // lost a race with a concurrent create of the same name
        }
        audit.record(actor, "model.create", "model", name, Map.of("tags", tags));
        return ModelResponse.from(model, Map.of());
    }

    @Transactional(readOnly = true)
    public ModelResponse get(String name) {
        RegisteredModel model = find(name);
        return ModelResponse.from(model, aliases.aliasesOf(model.id()));
    }

    @Transactional(readOnly = true)
    public Page<ModelResponse> list(String text, Map<String, String> tags, PageRequest page, Actor actor) {
        actor.requireReader();
        String after = page.token() == null ? null : page.token().key();
        List<RegisteredModel> models = search.page(text, tags, Scopes.likePatterns(actor.scopes(), Resource.MODEL), after,
                page.size() + 1);
        Map<Long, Map<String, Integer>> aliasesByModel = aliases.aliasesOf(models.stream().map(RegisteredModel::id).toList());
        List<ModelResponse> rows = models.stream()
                .map(m -> ModelResponse.from(m, aliasesByModel.getOrDefault(m.id(), Map.of())))
                .toList();
        return Page.of(rows, page.size(), ModelResponse::name);
    }

    @Transactional
    public ModelResponse update(String name, UpdateModelRequest request, Actor actor) {
        actor.require(Role.PUBLISHER, Resource.MODEL, name);
        RegisteredModel model = find(name);
        Map<String, Object> changes = new LinkedHashMap<>();
        if (request.description() != null) {
            model.describe(request.description(), clock.instant());
            changes.put("description", request.description());
        }
        if (request.tags() != null) {
            model.retag(Names.checkTags(request.tags()), clock.instant());
            changes.put("tags", request.tags());
        }
        audit.record(actor, "model.update", "model", name, changes);
        return ModelResponse.from(model, aliases.aliasesOf(model.id()));
    }

    /**
     * Deletes a model with its versions and aliases. Anything that still uses the model (a
     * service of the gallery) refers to it by a RESTRICT foreign key, so the delete fails there
     * and becomes a 409 instead of leaving a service without its model.
     */
    @Transactional
    public void delete(String name, Actor actor) {
        actor.require(Role.ADMIN, Resource.MODEL, name);
        RegisteredModel model = models.lockByName(name).orElseThrow(() -> notFound(name));
        List<String> users = models.findServiceNamesUsing(model.id());
        if (!users.isEmpty()) {
            throw inUse(name, users, null);
        }
        models.releaseArtifacts(model.id(), clock.instant());
        try {
            models.delete(model);
            models.flush();
        } catch (DataIntegrityViolationException e) {
            throw inUse(name, models.findServiceNamesUsing(model.id()), e); // a service bound to it meanwhile
        }
        audit.record(actor, "model.delete", "model", name, Map.of("versions", model.latestVersion()));
    }

    private static RtmlException inUse(String name, List<String> services, Throwable cause) {
        String which = services.isEmpty() ? "a service" : "service" + (services.size() > 1 ? "s " : " ")
                + services.stream().map(s -> "'" + s + "'").collect(java.util.stream.Collectors.joining(", "));
        return new RtmlException(ErrorCode.MODEL_IN_USE, "model '" + name + "' is used by " + which
                + "; delete the service (DELETE /api/v1/services/{name}, which undeploys it first) or bind it to"
                + " another model (PATCH /api/v1/services/{name} {\"model\": …}), then delete the model", cause);
    }

    private RegisteredModel find(String name) {
        return models.findByName(name).orElseThrow(() -> notFound(name));
    }

    public static RtmlException notFound(String name) {
        return new RtmlException(ErrorCode.MODEL_NOT_FOUND, "no model named " + Names.quote(name));
    }

    private static RtmlException alreadyExists(String name, Throwable cause) {
        return new RtmlException(ErrorCode.MODEL_ALREADY_EXISTS, "a model named '" + name + "' already exists", cause);
    }
}
