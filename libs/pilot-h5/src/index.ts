export * from './domain/pilot-bootstrap';
export * from './domain/in-process-bootstrap';
export * from './pilot-h5.options';
export * from './pilot-h5.module';
export { PAGE_CSP } from './http/pilot-h5.controller';
export type { PageBootstrap } from './page/page-script';
