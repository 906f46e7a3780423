export * from './sample-kmz';
