// Package sim runs the segregated-dendrite network in time: one training
// example's forward and target phases (spec §3), the learning step at its end,
// and test presentations (spec §4), in the paper's spiking mode and in the
// non-spiking rate mode (spec §5).
//
// # Event-driven spiking
//
// The basal input of layer ℓ is B = W p + b where p(t) = Σ_d κ(d+1) S(t−d) is
// the kernel-filtered spike history of the layer below. Instead of forming p
// and a dense mat-vec each step, a Sim keeps a ring of the last mem projected
// inputs P(t−d) = W S(t−d), each costing one weight row per spike, and forms
// B = b + Σ_d κ(d+1) P(t−d). A step then costs O(spikes × fan-out + mem × n)
// instead of O(fan-in × n). When W changes at the end of an example by the
// rank-one update s δ p̄ᵀ, the stored projections are corrected by
// s (p̄·S(t−d)) δ, so the event-driven input stays equal to the dense formula
// (TestEventDrivenMatchesDense pins that to 1e-9). Feedback (apical) input uses
// the same scheme with Y and the feedback source's spikes, one step delayed.
//
// Poisson counts are drawn by inversion with a shortcut that is exact: since
// e^{−λ} ≥ 1−λ, a uniform u < 1−λ always means zero spikes, so the exponential
// is evaluated only for the few draws (≤ λ ≤ 20 %) that may spike.
//
// # Concurrency
//
// A Sim holds the dynamic state of one simulation and is not safe for
// concurrent use; tests run one Sim per worker against shared, read-only
// weights, each image with its own random stream derived from the seed, so the
// results do not depend on the number of workers.
package sim
