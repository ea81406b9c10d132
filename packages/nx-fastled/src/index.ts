export { createNodes, createNodesV2 } from './plugin/create-nodes';
export { createDependencies } from './plugin/create-dependencies';
export { preTasksExecution } from './plugin/pre-tasks';
export { postTasksExecution } from './plugin/post-tasks';
