import t from 'tap'
import { CircuitBreaker } from '../../src/circuit-breaker.ts'
import { ProblemError } from '../../src/errors.ts'

function breaker () {
  let now = 1_000_000
  const circuit = new CircuitBreaker({ failureThreshold: 3, cooldownMs: 10_000, now: () => now })
  return { circuit, advance: (ms: number) => { now += ms } }
}

t.test('opens after the threshold of failures in a row, and fails fast with Retry-After', async t => {
  const { circuit, advance } = breaker()
  circuit.failure()
  circuit.failure()
  circuit.success()
  circuit.failure()
  circuit.failure()
  t.notOk(circuit.isOpen, 'a success in between starts the count again')
  circuit.failure()
  t.ok(circuit.isOpen)
  advance(2_500)
  const refused = t.throws(() => circuit.check()) as unknown as ProblemError
  t.match(refused, { code: 'upstream_unavailable', status: 503 })
  t.equal(refused.headers['retry-after'], '8', 'the seconds left of the cool-down, rounded up')
})

t.test('after the cool-down one call probes; its success closes the circuit, its failure reopens it', async t => {
  const { circuit, advance } = breaker()
  for (let i = 0; i < 3; i++) circuit.failure()
  advance(10_000)
  t.doesNotThrow(() => circuit.check(), 'the probe goes through')
  t.throws(() => circuit.check(), 'a second call while the probe is out does not')
  circuit.failure()
  t.throws(() => circuit.check(), 'a failed probe opens it again for a whole cool-down')
  advance(9_999)
  t.throws(() => circuit.check())
  advance(1)
  t.doesNotThrow(() => circuit.check())
  circuit.success()
  t.notOk(circuit.isOpen)
  t.doesNotThrow(() => circuit.check())
})
