// Package run is the bookkeeping of an experiment: it turns a config.Config
// and data into a trained network, in memory (Trainer, the place to start)
// or with a run folder (Train, Trainer.Dir; layout in docs/run-folder.md). It loads the data, builds or loads the weights, trains
// epoch by epoch with quick and full tests on the schedule of docs/model.md#training-schedule,
// records what the config asks for, shows progress, writes checkpoints
// atomically every N examples and at every epoch end, and resumes from them
// bit-identically. SIGINT/SIGTERM (a cancelled context) checkpoint the current
// position and stop cleanly, within an image when a full test is running;
// Options.Abort (a second signal) returns at once with a consistent folder. A
// numerical blow-up stops the run with a message naming the layer and the
// example and leaves the last good checkpoint.
//
// Nothing is written before the config, the paths, the data and the initial
// weights have been checked; Options.Overwrite (the CLI's --overwrite) replaces only a
// run folder of ours (package rundir owns the folder's names and formats).
// Every new run records its inputs in provenance.json, and a resumed run
// refuses data whose digests differ unless Options.AllowOtherData is set.
//
// Every random stream derives from Config.Seed: weights, the per-epoch
// shuffles, the spikes, the phase lengths, the plateau jitter, the symmetric
// noise, and each test's image order and per-image spike streams.
package run
