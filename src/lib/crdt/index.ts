export * from './contact-doc';
export * from './workspace-doc';
