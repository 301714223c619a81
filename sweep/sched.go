package sweep

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"text/template"

	yaml "go.yaml.in/yaml/v3"
)

// SlurmScript is the name of the Slurm array script WriteSlurm writes.
const SlurmScript = "sweep.sbatch"

// K8sJob is the name of the Kubernetes Job manifest WriteK8s writes.
const K8sJob = "sweep-job.yaml"

// SlurmOptions shape the Slurm array job. Empty fields are left to the
// cluster's defaults.
type SlurmOptions struct {
	// Binary is the dendrite binary each task runs (default: this
	// executable). It is made absolute.
	Binary string
	// JobName is the job name (default "dendrite-" + the folder's name).
	JobName string
	// Partition, Time (e.g. "02:00:00"), Mem (e.g. "4G") and CPUsPerTask
	// become the #SBATCH directives of the same name.
	Partition   string
	Time        string
	Mem         string
	CPUsPerTask int
	// MaxParallel limits how many tasks run at once (the %K of --array);
	// 0 = no limit.
	MaxParallel int
	// Extra are more #SBATCH arguments, e.g. "--account=lab".
	Extra []string
}

// shellQuote quotes s for a POSIX shell.
func shellQuote(s string) string {
	if s != "" && sbatchValue.MatchString(s) {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

var sbatchValue = regexp.MustCompile(`^[A-Za-z0-9_@%+=:,./-]+$`)

// WriteSlurm writes DIR/sweep.sbatch: a Slurm job array with one task per
// run (--array=0-(N-1)%K), output in DIR/logs/%A_%a.out, each task running
// "<binary> sweep run <DIR>" with absolute paths (the task index comes from
// SLURM_ARRAY_TASK_ID). It creates DIR/logs, which Slurm needs to exist. It
// returns the script's path.
func WriteSlurm(dir string, opts SlurmOptions) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", fmt.Errorf("sweep: %w", err)
	}
	m, err := ReadManifest(abs)
	if err != nil {
		return "", err
	}
	bin := opts.Binary
	if bin == "" {
		if bin, err = os.Executable(); err != nil {
			return "", fmt.Errorf("sweep: cannot find this executable (give the binary): %w", err)
		}
	}
	if bin, err = filepath.Abs(bin); err != nil {
		return "", fmt.Errorf("sweep: %w", err)
	}
	if e, err := filepath.EvalSymlinks(bin); err == nil {
		bin = e
	}
	if opts.JobName == "" {
		opts.JobName = "dendrite-" + filepath.Base(abs)
	}
	if opts.MaxParallel < 0 || opts.CPUsPerTask < 0 {
		return "", errors.New("sweep: max-parallel and cpus-per-task must be ≥ 0")
	}
	for _, p := range []string{abs, bin} {
		if strings.ContainsAny(p, "\n\r") {
			return "", fmt.Errorf("sweep: path %q holds a line break, which a batch script cannot carry; move the sweep or the binary", p)
		}
	}
	logs := filepath.Join(abs, LogsDir)
	if err := os.MkdirAll(logs, 0o755); err != nil {
		return "", fmt.Errorf("sweep: %w", err)
	}
	array := fmt.Sprintf("0-%d", len(m.Runs)-1)
	if opts.MaxParallel > 0 {
		array += "%" + strconv.Itoa(opts.MaxParallel)
	}
	var b strings.Builder
	b.WriteString("#!/bin/bash\n")
	dir1 := func(flag, v string) error {
		if v == "" {
			return nil
		}
		if !sbatchValue.MatchString(v) {
			return fmt.Errorf("sweep: slurm option %s=%q: an #SBATCH value may hold only letters, digits and _@%%+=:,./- (for --output, plan the sweep into a folder whose path has no spaces)", flag, v)
		}
		fmt.Fprintf(&b, "#SBATCH --%s=%s\n", flag, v)
		return nil
	}
	for _, d := range []struct{ flag, v string }{
		{"job-name", sanitize(opts.JobName)},
		{"array", array},
		// sbatch expands %-patterns in --output; a literal % is %%.
		{"output", filepath.Join(strings.ReplaceAll(logs, "%", "%%"), "%A_%a.out")},
		{"partition", opts.Partition},
		{"time", opts.Time},
		{"mem", opts.Mem},
	} {
		if err := dir1(d.flag, d.v); err != nil {
			return "", err
		}
	}
	if opts.CPUsPerTask > 0 {
		fmt.Fprintf(&b, "#SBATCH --cpus-per-task=%d\n", opts.CPUsPerTask)
	}
	for _, x := range opts.Extra {
		if strings.ContainsAny(x, "\n\r") || !strings.HasPrefix(x, "-") {
			return "", fmt.Errorf("sweep: extra sbatch option %q: want one option such as --account=lab", x)
		}
		fmt.Fprintf(&b, "#SBATCH %s\n", x)
	}
	fmt.Fprintf(&b, "#\n# Sweep %s: %d runs, one array task per run; written by `dendrite sweep slurm`.\n", abs, len(m.Runs))
	b.WriteString("# Submit with: sbatch " + shellQuote(filepath.Join(abs, SlurmScript)) + "\n")
	b.WriteString("# A task skips a complete run and resumes an interrupted one, so resubmitting is safe.\n")
	b.WriteString("set -euo pipefail\n")
	if opts.CPUsPerTask > 0 {
		b.WriteString("export GOMAXPROCS=\"${SLURM_CPUS_PER_TASK:-" + strconv.Itoa(opts.CPUsPerTask) + "}\"\n")
	}
	fmt.Fprintf(&b, "exec %s sweep run %s\n", shellQuote(bin), shellQuote(abs))
	path := filepath.Join(abs, SlurmScript)
	if err := writeAtomic(path, []byte(b.String())); err != nil {
		return "", err
	}
	if err := os.Chmod(path, 0o755); err != nil {
		return "", fmt.Errorf("sweep: %w", err)
	}
	return path, nil
}

// SubmitSlurm submits a script with "sbatch --parsable" and returns the job
// id. sbatch's own message is in the error when it fails.
func SubmitSlurm(ctx context.Context, script string) (string, error) {
	sb, err := exec.LookPath("sbatch")
	if err != nil {
		return "", errors.New("sweep: sbatch not found in PATH (is Slurm installed here? the script is at " + script + ")")
	}
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, sb, "--parsable", script)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(stderr.String())
		if msg == "" {
			msg = err.Error()
		}
		return "", fmt.Errorf("sweep: sbatch %s: %s", script, strings.ReplaceAll(msg, "\n", "; "))
	}
	id, _, _ := strings.Cut(strings.TrimSpace(stdout.String()), ";")
	if id == "" {
		return "", fmt.Errorf("sweep: sbatch printed no job id (stderr: %s)", strings.TrimSpace(stderr.String()))
	}
	return id, nil
}

// K8sOptions shape the Kubernetes Indexed Job.
type K8sOptions struct {
	// Image is the container image holding the dendrite binary in PATH
	// (default "dendrite:latest").
	Image string
	// Name is the Job's name (default "dendrite-sweep-" + the folder's
	// name, made a DNS label).
	Name string
	// Parallelism is how many pods run at once (default: all runs).
	Parallelism int
	// MountPath is where the data volume is mounted (default "/data"); the
	// sweep folder must be on it as MountPath/<folder name>.
	MountPath string
	// CPU and Memory are the container's resource requests and limits
	// (e.g. "2", "4Gi"); empty = none.
	CPU, Memory string
	// ClaimName is the PersistentVolumeClaim of the data volume (default
	// "dendrite-data", a placeholder to edit).
	ClaimName string
}

var k8sTemplate = template.Must(template.New("job").Parse(`# Kubernetes Indexed Job for the sweep {{.Dir}} ({{.N}} runs),
# written by "dendrite sweep k8s". Each pod runs one run: Kubernetes sets
# JOB_COMPLETION_INDEX, which "dendrite sweep run" reads. A pod skips a complete
# run and resumes an interrupted one, so retries are safe.
# Before "kubectl apply -f {{.File}}": copy the sweep folder to the volume as
# {{.MountPathRaw}}/{{.Base}} and replace the volume placeholder below.
apiVersion: batch/v1
kind: Job
metadata:
  name: {{.Name}}
  labels:
    app: dendrite-sweep
spec:
  completionMode: Indexed
  completions: {{.N}}
  parallelism: {{.Parallelism}}
  backoffLimit: {{.Backoff}}
  template:
    metadata:
      labels:
        app: dendrite-sweep
    spec:
      restartPolicy: Never
      # On SIGTERM a run checkpoints and stops; a retried pod resumes it.
      terminationGracePeriodSeconds: 120
      containers:
        - name: dendrite
          image: {{.Image}}
          command: ["dendrite", "sweep", "run", {{.RunDir}}]
          volumeMounts:
            - name: data
              mountPath: {{.MountPath}}
{{- if or .CPU .Memory}}
          resources:
            requests:
{{- if .CPU}}
              cpu: {{.CPU}}
{{- end}}
{{- if .Memory}}
              memory: {{.Memory}}
{{- end}}
            limits:
{{- if .CPU}}
              cpu: {{.CPU}}
{{- end}}
{{- if .Memory}}
              memory: {{.Memory}}
{{- end}}
{{- end}}
      volumes:
        # PLACEHOLDER: a volume that holds the sweep folder at {{.MountPathRaw}}/{{.Base}}
        # and that every pod can write (ReadWriteMany), e.g. NFS or a RWX claim.
        - name: data
          persistentVolumeClaim:
            claimName: {{.ClaimName}}
`))

var dnsLabel = regexp.MustCompile(`[^a-z0-9-]+`)

func k8sName(s string) string {
	s = strings.Trim(dnsLabel.ReplaceAllString(strings.ToLower(s), "-"), "-")
	if len(s) > 63 {
		s = strings.TrimRight(s[:63], "-")
	}
	if s == "" {
		s = "dendrite-sweep"
	}
	return s
}

// k8sJobDoc is the part of the generated Job that WriteK8s checks after
// parsing it back.
type k8sJobDoc struct {
	APIVersion string `yaml:"apiVersion"`
	Kind       string `yaml:"kind"`
	Metadata   struct {
		Name string `yaml:"name"`
	} `yaml:"metadata"`
	Spec struct {
		CompletionMode string `yaml:"completionMode"`
		Completions    int    `yaml:"completions"`
		Parallelism    int    `yaml:"parallelism"`
		Template       struct {
			Spec struct {
				RestartPolicy string `yaml:"restartPolicy"`
				Containers    []struct {
					Name    string   `yaml:"name"`
					Image   string   `yaml:"image"`
					Command []string `yaml:"command"`
				} `yaml:"containers"`
				Volumes []map[string]any `yaml:"volumes"`
			} `yaml:"spec"`
		} `yaml:"template"`
	} `yaml:"spec"`
}

// WriteK8s writes DIR/sweep-job.yaml: a Kubernetes batch/v1 Job with
// completionMode Indexed and one completion per run, whose container runs
// "dendrite sweep run <MountPath>/<folder name>" (the index comes from
// JOB_COMPLETION_INDEX), with a placeholder volume to edit. The YAML is
// parsed back and checked before it is written. It returns the path.
func WriteK8s(dir string, opts K8sOptions) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", fmt.Errorf("sweep: %w", err)
	}
	m, err := ReadManifest(abs)
	if err != nil {
		return "", err
	}
	n := len(m.Runs)
	base := filepath.Base(abs)
	if opts.Image == "" {
		opts.Image = "dendrite:latest"
	}
	if opts.MountPath == "" {
		opts.MountPath = "/data"
	}
	if opts.ClaimName == "" {
		opts.ClaimName = "dendrite-data"
	}
	if opts.Parallelism <= 0 || opts.Parallelism > n {
		opts.Parallelism = n
	}
	name := k8sName(opts.Name)
	if opts.Name == "" {
		name = k8sName("dendrite-sweep-" + base)
	}
	if !strings.HasPrefix(opts.MountPath, "/") || strings.Contains(opts.MountPath, "..") {
		return "", fmt.Errorf("sweep: mount path %q: want an absolute path", opts.MountPath)
	}
	runDir := strings.TrimRight(opts.MountPath, "/") + "/" + base
	q := strconv.Quote
	oneLine := strings.NewReplacer("\n", " ", "\r", " ").Replace // for comments
	data := map[string]any{
		"Dir": oneLine(abs), "Base": oneLine(base), "File": K8sJob, "N": n, "Name": name,
		"Parallelism": opts.Parallelism, "Backoff": max(6, n),
		"Image": q(opts.Image), "RunDir": q(runDir), "MountPath": q(opts.MountPath), "MountPathRaw": oneLine(strings.TrimRight(opts.MountPath, "/")),
		"CPU": q2(opts.CPU), "Memory": q2(opts.Memory), "ClaimName": q(k8sName(opts.ClaimName)),
	}
	var b bytes.Buffer
	if err := k8sTemplate.Execute(&b, data); err != nil {
		return "", fmt.Errorf("sweep: %w", err)
	}
	// Check what we generated.
	var doc k8sJobDoc
	if err := yaml.Unmarshal(b.Bytes(), &doc); err != nil {
		return "", fmt.Errorf("sweep: generated Job YAML does not parse: %w", err)
	}
	c := doc.Spec.Template.Spec.Containers
	if doc.Kind != "Job" || doc.Spec.CompletionMode != "Indexed" || doc.Spec.Completions != n ||
		len(c) != 1 || c[0].Image != opts.Image || len(c[0].Command) != 4 || c[0].Command[3] != runDir {
		return "", fmt.Errorf("sweep: generated Job YAML is not what was meant (image %q, mount %q)", opts.Image, opts.MountPath)
	}
	path := filepath.Join(abs, K8sJob)
	if err := writeAtomic(path, b.Bytes()); err != nil {
		return "", err
	}
	return path, nil
}

// q2 quotes a non-empty value for YAML (Go's quoting is valid YAML
// double-quoted style); an empty value stays empty.
func q2(s string) string {
	if s == "" {
		return ""
	}
	return strconv.Quote(s)
}
