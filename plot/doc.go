// Package plot draws the figures of a training run of the segregated-dendrite
// model (Guerguiev, Lillicrap & Richards, eLife 2017) as PNG and SVG, using
// gonum.org/v1/plot and the image package only (pure Go, no network).
//
// Every figure is built in memory by an exported function that returns a
// [Figure], which [Figure.Save] writes as NAME.png and NAME.svg:
//
//   - [LearningCurve] ("learning_curve"): test error per epoch (full tests),
//     training error per epoch, and quick-test error against training
//     examples, on log error axes; [LearningCurveWith] adds the paper's
//     number as a reference line and the test sizes;
//   - [Loss] ("loss"): per-example output loss with a sliding mean;
//   - [ReceptiveFields] ("receptive_fields"): the first 100 rows of W_0 as a
//     grid of 28×28 grey images with their indices and grey scale (the
//     paper's Fig. 7B);
//   - [BPAngle] ("bp_angle"): angle between the hidden update and backprop's
//     (Fig. 7A);
//   - [Eigvals] ("eigvals"): the maximum eigenvalue of (I−U)ᵀ(I−U) against
//     the Theorem 1 bound of 1;
//   - [Voltages] ("voltages", "voltages_example_K"): apical, basal and
//     somatic potentials of a few neurons through the forward and target
//     phases of each recorded example, with plateau times (Fig. 3);
//   - [Embedding] ("embedding_<m>"): a PCA projection of hidden-layer
//     activity coloured by digit class (Fig. 6C), computed by [PCA];
//   - [CompareEpochs] and [CompareExamples] ("compare_epoch",
//     "compare_examples"): several runs' full and quick tests, in separate
//     figures, the seeds of a condition as a mean ± s.d. band;
//   - [Lines], [FinalErrors], [Histograms] and [FieldRows]: the figures of
//     the generated results page (dendrite reproduce --table).
//
// [All] reads a run folder laid out as docs/run-folder.md describes and draws
// every figure whose records exist; [Compare] overlays the learning curves
// of several run folders. Figures are about 800×500 px at [DPI]; colours
// come from the colour-blind-safe [Palette] and are paired with marker
// shapes.
//
// Package plottest writes synthetic run folders for tests and examples.
package plot
