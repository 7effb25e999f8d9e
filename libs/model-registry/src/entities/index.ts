import { ModelAliasEntity } from './model-alias.entity';
import { ModelStageTransitionEntity } from './model-stage-transition.entity';
import { ModelVersionEntity } from './model-version.entity';
import { ModelEntity } from './model.entity';

export { ModelAliasEntity, ModelEntity, ModelStageTransitionEntity, ModelVersionEntity };

export const MODEL_REGISTRY_ENTITIES = [ModelEntity, ModelVersionEntity, ModelAliasEntity, ModelStageTransitionEntity];
