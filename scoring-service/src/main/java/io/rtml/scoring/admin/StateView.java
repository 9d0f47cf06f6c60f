package io.rtml.scoring.admin;

import io.rtml.scoring.admin.AdminResponses.NodeView;
import io.rtml.scoring.admin.AdminResponses.ServiceView;
import io.rtml.scoring.admin.AdminResponses.State;
import io.rtml.scoring.admin.AdminResponses.VersionView;
import io.rtml.scoring.runtime.LoadedVersion;
import io.rtml.scoring.runtime.NodeIdentity;
import io.rtml.scoring.runtime.ServiceSlot;
import io.rtml.scoring.runtime.Services;
import java.util.ArrayList;
import java.util.List;

/** The state listing the deployer reconciles against: what is loaded, what is active, since when. */
final class StateView {

    private final Services services;
    private final NodeIdentity node;

    StateView(Services services, NodeIdentity node) {
        this.services = services;
        this.node = node;
    }

    State state() {
        List<ServiceView> list = new ArrayList<>();
        for (ServiceSlot slot : services.all()) {
            ServiceSlot.Active active = slot.active();
            List<VersionView> versions = new ArrayList<>();
            for (LoadedVersion v : slot.versions()) {
                versions.add(new VersionView(v.version(), v.versionId(), v.sha256(), v.sizeBytes(),
                        active != null && active.version() == v, v.loadedAt().toString(), v.file().toString(),
                        v.batchable(), v.predictions(), v.runs(), AdminResponses.Warmup.of(v.warmup())));
            }
            list.add(new ServiceView(slot.name(), active == null ? null : active.version().version(),
                    active == null ? null : active.since().toString(),
                    slot.split() == null ? null : AdminResponses.Traffic.of(slot.name(), slot),
                    slot.shadow() == null ? null : AdminResponses.ShadowView.of(slot.name(), slot), versions));
        }
        return new State(new NodeView(node.name(), node.kind(), node.region()), services.ready(), list);
    }
}
