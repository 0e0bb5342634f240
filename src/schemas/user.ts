import { Type } from 'typebox'
import type { TSchema } from 'typebox'

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()])

export const SessionInfo = Type.Object({
  userId: Type.String({ description: 'The signed-in SweatStack user.' }),
  name: Nullable(Type.String({ description: 'Their display name (needs the `profile` scope).' })),
  selectedUserId: Nullable(Type.String({ description: 'Coach mode: the athlete whose data /api calls read and write, or null.' })),
  selectedName: Nullable(Type.String({ description: 'That athlete\'s display name, when known.' })),
  scopes: Type.Array(Type.String(), { description: 'The scopes SweatStack granted.' }),
  expiresAt: Type.String({ format: 'date-time', description: 'When this session ends at the latest; sign in again after.' }),
}, {
  $id: 'SessionInfo',
  examples: [{ userId: '01JQ8ZK2M7Y5D3V9W1X4B6N0CE', name: 'Alice Anderson', selectedUserId: null, selectedName: null, scopes: ['data:read', 'profile'], expiresAt: '2026-12-07T10:00:00.000Z' }],
})
