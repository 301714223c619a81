// Package docs holds the user documentation of dendrite as Markdown: the
// model (model.md), the feedback bias (feedback-bias.md), the run folder
// (run-folder.md), the measured results (results.md) and the Go API
// (library.md). It has no code; its tests check that every link in the
// documents reaches what it names — each
// equation's link a Go function that exists, each section link a heading — and
// that no file of the repository points to a document outside it.
package docs
