export * from './contract/input-contract';
