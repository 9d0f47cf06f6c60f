package io.rtml.registry.model;

import java.util.List;
import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;

interface ModelAliasRepository extends JpaRepository<ModelAlias, ModelAlias.Key> {

    List<ModelAlias> findByKeyModelIdOrderByKeyAlias(Long modelId);

    List<ModelAlias> findByKeyModelIdInOrderByKeyAlias(java.util.Collection<Long> modelIds);

    Optional<ModelAlias> findByKeyModelIdAndKeyAlias(Long modelId, String alias);
}
