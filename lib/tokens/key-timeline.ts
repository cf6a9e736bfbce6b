// The signing-key timeline, as a pure function of the stored keys, the key settings and
// the clock, so that every process sharing a database agrees on which key signs, without
// talking to the others (Duende's automatic key management, made deterministic).
//
// Per algorithm, keys ordered by generation:
//   announced  from createdAt (published in the JWKS at once);
//   activates  at createdAt + propagationTime, so verifiers have fetched it before it signs —
//              except the lowest stored generation, which signs at once (the very first key,
//              as Duende does on first start; or the survivor after an operator deleted a
//              compromised key);
//   signs      while it is the newest key whose activation time has passed;
//   retires    when a successor activates; published for retentionDuration more, then
//   removed    from the JWKS (and deleted).
// A successor is created when the newest key is rotationInterval − propagationTime old, so it
// activates just as the current key reaches rotationInterval. A key signs until its successor
// activates, never into the void: after a long downtime the old key signs up to
// propagationTime past rotationInterval rather than switching to a key nobody has seen
// (Duende would switch at once; relying parties would then fail until they refetch).
import type { SigningAlgorithm } from '../config/model'

export interface KeySettings {
  /** Seconds. */
  rotationInterval: number
  propagationTime: number
  retentionDuration: number
}

export interface KeyFacts {
  kid: string
  algorithm: SigningAlgorithm
  generation: number
  createdAt: Date
}

export interface KeyTimeline {
  kid: string
  algorithm: SigningAlgorithm
  generation: number
  /** Epoch milliseconds. */
  createdAt: number
  activatesAt: number
  /** Epoch milliseconds; Infinity while no successor has been created. */
  retiresAt: number
  removedAt: number
}

export interface KeyPlan {
  timelines: KeyTimeline[]
  /** The key each algorithm signs with now (absent when the algorithm has no key). */
  signing: Map<SigningAlgorithm, string>
  /** kids to publish in the JWKS now: announced, signing, or retired within retention. */
  published: string[]
  /** kids past their removal time. */
  removable: string[]
  /** Algorithms that need a new key (none stored, or the newest is due for a successor). */
  needsNewKey: SigningAlgorithm[]
  /** The next instant (epoch ms) at which this plan changes; Infinity if never. */
  nextChangeAt: number
}

/** Refuses settings under which keys would be created endlessly. */
export function validateKeySettings(settings: KeySettings): void {
  const { rotationInterval, propagationTime, retentionDuration } = settings
  if (![rotationInterval, propagationTime, retentionDuration].every((v) => Number.isFinite(v) && v > 0)) {
    throw new Error('key settings must be positive numbers of seconds')
  }
  if (rotationInterval <= propagationTime) {
    throw new Error(`KEY_ROTATION_INTERVAL (${rotationInterval}s) must be longer than KEY_PROPAGATION_TIME (${propagationTime}s)`)
  }
}

export function planKeys(keys: readonly KeyFacts[], algorithms: readonly SigningAlgorithm[], settings: KeySettings, nowMs: number): KeyPlan {
  const propagation = settings.propagationTime * 1000
  const retention = settings.retentionDuration * 1000
  const successorDue = (settings.rotationInterval - settings.propagationTime) * 1000
  const plan: KeyPlan = { timelines: [], signing: new Map(), published: [], removable: [], needsNewKey: [], nextChangeAt: Infinity }
  const boundary = (at: number) => {
    if (at > nowMs && at < plan.nextChangeAt) plan.nextChangeAt = at
  }

  for (const algorithm of algorithms) {
    const own = keys.filter((k) => k.algorithm === algorithm).sort((a, b) => a.generation - b.generation)
    const timelines = own.map((k, i) => {
      const createdAt = +k.createdAt
      return { kid: k.kid, algorithm, generation: k.generation, createdAt, activatesAt: i === 0 ? createdAt : createdAt + propagation, retiresAt: Infinity, removedAt: Infinity }
    })
    // A key retires when any later generation activates (a suffix minimum).
    let earliestLater = Infinity
    for (let i = timelines.length - 1; i >= 0; i--) {
      const t = timelines[i]!
      t.retiresAt = earliestLater
      earliestLater = Math.min(earliestLater, t.activatesAt)
    }
    for (const t of timelines) t.removedAt = t.retiresAt + retention

    // The signer: the newest generation already active; if clocks disagree so that none
    // is yet, the lowest generation (which activates at its creation).
    const active = timelines.filter((t) => t.activatesAt <= nowMs)
    const signer = active.at(-1) ?? timelines[0]
    if (signer) plan.signing.set(algorithm, signer.kid)

    for (const t of timelines) {
      if (nowMs < t.removedAt) plan.published.push(t.kid)
      else plan.removable.push(t.kid)
      boundary(t.activatesAt)
      boundary(t.retiresAt)
      boundary(t.removedAt)
    }

    const newest = timelines.at(-1)
    if (!newest || nowMs >= newest.createdAt + successorDue) plan.needsNewKey.push(algorithm)
    else boundary(newest.createdAt + successorDue)
    plan.timelines.push(...timelines)
  }
  return plan
}
