package shapes

func TestOnly() {}
