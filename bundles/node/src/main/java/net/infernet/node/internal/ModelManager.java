package net.infernet.node.internal;

import java.util.ArrayList;
import java.util.List;
import net.infernet.core.api.ErrorCode;
import net.infernet.core.api.InfernetException;
import net.infernet.core.backend.InferenceBackend;
import net.infernet.core.backend.InstallProgress;
import net.infernet.core.backend.ModelInfo;
import net.infernet.protocol.keys.KeyFiles;
import net.infernet.protocol.keys.KeyLayout;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Models on the active backend, each with its own key (IPIP-0028), listed in config.json's served_models. */
@Component
public final class ModelManager implements ModelControl {
    private static final Logger LOG = LoggerFactory.getLogger(ModelManager.class);
    private final BackendSelection backends;
    private final NodeProfile profile;
    private final HeartbeatTrigger heartbeat;

    @Activate
    public ModelManager(@Reference BackendSelection backends, @Reference NodeProfile profile,
            @Reference HeartbeatTrigger heartbeat) {
        this.backends = backends;
        this.profile = profile;
        this.heartbeat = heartbeat;
    }

    private InferenceBackend backend() {
        return backends.active().orElseThrow(() -> new InfernetException(ErrorCode.BACKEND_ERROR,
                "no inference backend answers"));
    }

    @Override
    public void install(String model, InstallProgress progress) {
        InferenceBackend b = backend();
        b.install(model, progress);
        KeyFiles.loadOrCreate(KeyLayout.modelKey(profile.settings().dataDir(), model)); // the model's own key
        served(model, true);
        LOG.info("event=model_installed model={} backend={}", model, b.id());
        heartbeat.soon();
    }

    @Override
    public void remove(String model) {
        InferenceBackend b = backend();
        b.remove(model);
        served(model, false);
        LOG.info("event=model_removed model={} backend={}", model, b.id());
        heartbeat.soon();
    }

    @Override
    public List<ModelInfo> engineModels() {
        return backend().models();
    }

    private void served(String model, boolean add) {
        profile.update(c -> {
            List<String> served = new ArrayList<>(c.servedModels());
            served.remove(model);
            if (add) {
                served.add(model);
            }
            return c.withServedModels(served);
        });
    }
}
