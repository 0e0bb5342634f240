import { Type } from 'typebox'
import { Nullable } from './common.ts'

export const UserInfo = Type.Object({
  sub: Type.String({ description: 'The SweatStack user id.' }),
  name: Type.String(),
  given_name: Type.Optional(Nullable(Type.String())),
  family_name: Type.Optional(Nullable(Type.String())),
  email: Type.Optional(Nullable(Type.String())),
  registered_at: Type.String({ description: 'When the user registered (may lack a time zone).' }),
  issue: Type.Optional(Nullable(Type.Object({
    code: Type.String(),
    status: Type.String(),
    message: Type.String(),
    destination: Type.Optional(Nullable(Type.String())),
  }, { additionalProperties: true }))),
}, {
  additionalProperties: true,
  $id: 'UserInfo',
  examples: [{ sub: '01JQ8ZK2M7Y5D3V9W1X4B6N0CE', name: 'Alice Anderson', given_name: 'Alice', family_name: 'Anderson', email: 'alice@example.com', registered_at: '2025-01-01T00:00:00Z', issue: null }],
})

export const SessionInfo = Type.Object({
  userId: Type.String({ description: 'The signed-in SweatStack user.' }),
  name: Nullable(Type.String({ description: 'Their display name (needs the `profile` scope).' })),
  selectedUserId: Nullable(Type.String({ description: 'The athlete a coach is acting for, or null.' })),
  scopes: Type.Array(Type.String(), { description: 'The scopes SweatStack granted.' }),
  expiresAt: Type.String({ format: 'date-time', description: 'When this session ends at the latest; sign in again after.' }),
}, {
  $id: 'SessionInfo',
  examples: [{ userId: '01JQ8ZK2M7Y5D3V9W1X4B6N0CE', name: 'Alice Anderson', selectedUserId: null, scopes: ['data:read', 'profile'], expiresAt: '2026-12-07T10:00:00.000Z' }],
})
