// The public API of @sweatstack-bff/sandbox: what the BFF's tests, scripts and bench use. Everything
// else in this folder is the sandbox's own business.
export { buildSandbox, sandboxControl } from './app.ts'
export type { SandboxOptions } from './app.ts'
export type { SandboxControl } from './control.ts'
export type { ActivityDetails } from './models.ts'
export { seedActivities } from './seed.ts'
export { startSandbox } from './start.ts'
export type { StartedSandbox } from './start.ts'
export { ulidTime } from './ulid.ts'
export { sandboxUsers } from './users.ts'
export type { SandboxUser } from './users.ts'
