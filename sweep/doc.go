// Package sweep runs a grid of experiments: it expands a sweep file (a base
// config, a grid over config keys and a list of seeds) into a manifest of
// fully resolved, validated configs, one per run, and runs them.
//
// The idea is that the dendrite binary is an idempotent worker and the
// scheduler is someone else's: "dendrite sweep run DIR" runs task i of the
// manifest in DIR, where i comes from a flag or from the array index that
// Slurm (SLURM_ARRAY_TASK_ID), Kubernetes Indexed Jobs
// (JOB_COMPLETION_INDEX), AWS Batch, Google Batch or Nomad put in the
// environment. A task whose run folder already holds a complete summary.json
// does nothing; an interrupted one resumes from its checkpoint (the Runner
// does that). So a task can be retried, requeued or run twice without harm,
// and the same manifest serves a Slurm job array ([WriteSlurm]), a
// Kubernetes Indexed Job ([WriteK8s]) or a local pool of goroutines
// ([RunLocal]) unchanged.
//
// A sweep folder holds:
//
//	sweep.yaml        a copy of the sweep file
//	manifest.jsonl    one JSON line per run: index, id, swept params, full config
//	runs/<id>/        each run's folder (see docs/run-folder.md)
//	runs/<id>.status  the worker's status: running (pid, host, time), done,
//	                  failed (with the error) or interrupted
//	logs/             scheduler logs (Slurm writes %A_%a.out here)
//	sweep.sbatch      the Slurm array script (WriteSlurm)
//	sweep-job.yaml    the Kubernetes Job (WriteK8s)
//	results.csv       one row per run (Collect)
//	summary.csv       mean, sd, min, max of the final test error per grid point
//	sweep.png, .svg   the final test error against the swept values
package sweep
