export * from './api-key.entity';
export * from './api-key.dto';
export * from './api-key-format';
export * from './api-key-verifier.service';
export * from './api-keys.service';
export * from './api-keys.module';
