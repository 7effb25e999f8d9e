// A gateway process with the test probe routes, for shutdown tests that need a real SIGTERM.
import 'reflect-metadata';
import { loadConfig } from '../../apps/gateway/src/config';
import { serve } from '../../apps/gateway/src/serve';
import { ProbeModule } from './probe.module';

void serve(loadConfig(process.env), { imports: [ProbeModule] });
