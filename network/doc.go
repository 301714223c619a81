// Package network holds the parameters of a segregated-dendrite network and
// how they are wired: feedforward weights W and biases b of every layer,
// feedback weights Y (and an optional feedback bias c) of every hidden layer,
// their initialisation ("weight optimisation", docs/model.md#weight-initialisation,
// in the paper and head profiles), broadcast vs layer-wise feedback, sparse feedback masks and
// symmetric (Wᵀ-tied) feedback, and .npy persistence.
//
// Storage is presynaptic-major, the transpose of the mathematical layout:
// W[j*N+i] is the weight from presynaptic unit j to neuron i, so the input of a
// spike of unit j is the contiguous row W[j*N:(j+1)*N]. That makes the
// event-driven (sparse) products of package sim stream through memory. The
// .npy files use the mathematical layout (W_m has shape (n_m, n_{m−1})), the
// one numpy users and the authors' code expect.
package network
