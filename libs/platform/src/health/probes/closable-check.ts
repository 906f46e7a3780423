import { DependencyCheck } from '../health-check';

/** A readiness check that holds a connection of its own, released at shutdown. */
export interface ClosableCheck extends DependencyCheck {
  close(): Promise<void>;
}
