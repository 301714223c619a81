package main

// benchMain is replaced by the bench implementation (package bench).
func benchMain(args []string) int { println("dendrite bench: not built yet"); return 1 }
