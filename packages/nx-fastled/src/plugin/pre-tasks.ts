export async function preTasksExecution(): Promise<void> {}
