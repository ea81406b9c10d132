import type { CreateNodesV2 } from '@nx/devkit';
export const createNodes: CreateNodesV2 = ['**/library.properties', async () => []];
export const createNodesV2 = createNodes;
