export * from './contact-doc';
export * from './workspace-doc';
export * from './changes';
export * from './history';
export * from './updates';
