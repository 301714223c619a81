// Package neuron holds the equations of the segregated-dendrite neuron model
// (Guerguiev, Lillicrap & Richards, eLife 2017), each a small pure function or
// sampler pinned by tests to the numbers docs/model.md gives:
//
//   - the truncated postsynaptic-potential kernel κ(s) = (e^{−s/τ_L} − e^{−s/τ_s})/(τ_L − τ_s),
//     sampled at s = 1…mem (Σκ ≈ 0.5104 for mem = 10);
//   - the numerically stable sigmoid σ and its derivative σ' (finite for any x);
//   - Poisson spike counts for the small rates of the model (λ ≤ λ_max = 0.2 per step),
//     by inversion, PoissonU deciding most counts from Taylor bounds on the CDF;
//   - RateTable, a cubic Hermite table of λ_max σ(x) with error below 2e-8·λ_max/0.2,
//     for machines where the simulator's vectorised sigmoid is unavailable;
//   - the inverse-Gaussian (Wald) sampler behind the random phase lengths;
//   - the weight-initialisation statistics ("weight optimisation", docs/model.md#weight-initialisation).
//
// Compartment updates themselves (soma Euler steps, teaching conductances) are
// written out in package sim, where they run inside allocation-free loops.
package neuron
