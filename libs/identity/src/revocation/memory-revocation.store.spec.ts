import { MemoryRevocationStore } from './memory-revocation.store';
import { revocationStoreContract } from './revocation-store.contract';

revocationStoreContract(MemoryRevocationStore.name, () => new MemoryRevocationStore());
