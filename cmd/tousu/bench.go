package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"tousu/internal/bench"
)

// parseSize reads a complaint count: 5000, 100k, 1m (also 1M, 10m).
func parseSize(s string) (int, error) {
	mult := 1
	t := strings.ToLower(strings.TrimSpace(s))
	switch {
	case strings.HasSuffix(t, "k"):
		mult, t = 1_000, strings.TrimSuffix(t, "k")
	case strings.HasSuffix(t, "m"):
		mult, t = 1_000_000, strings.TrimSuffix(t, "m")
	}
	n, err := strconv.Atoi(t)
	if err != nil || n <= 0 || n > 100_000_000/mult {
		return 0, usageError{fmt.Sprintf("--size %q: a count such as 5000, 100k or 1m", s)}
	}
	return n * mult, nil
}

// benchGenerate adds generated complaints to a database through the bulk path.
func (m *Main) benchGenerate(ctx context.Context, args []string) error {
	var cfg config
	fs := m.flags("bench generate", &cfg)
	sizeText := fs.String("size", "100k", "how many complaints to add: 5000, 100k, 1m")
	seed := fs.Uint64("seed", 1, "the generator's seed: the same seed and size make the same data")
	batch := fs.Int("batch", 2000, "complaints per transaction")
	if err := parse(fs, args); err != nil {
		return err
	}
	size, err := parseSize(*sizeText)
	if err != nil {
		return err
	}
	e, err := m.open(ctx, cfg)
	if err != nil {
		return err
	}
	defer e.Close()
	n, err := m.generate(ctx, e, size, *seed, *batch)
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "generated %d complaints in %s (%.0f a second)\n", size, n.Round(time.Millisecond), float64(size)/n.Seconds())
	return nil
}

// generate stores the generated organisation and size complaints, reporting progress
// every tenth, and returns how long it took.
func (m *Main) generate(ctx context.Context, e *env, size int, seed uint64, batch int) (time.Duration, error) {
	start := time.Now()
	o := bench.BuildOrg(size)
	if err := o.Put(ctx, e.store); err != nil {
		return 0, err
	}
	cal, err := e.app.Calendar(ctx)
	if err != nil {
		return 0, err
	}
	step := max(size/10, 1)
	next := step
	err = bench.Generate(ctx, e.store, o, bench.Options{Size: size, Seed: seed, End: e.app.Now(), Keys: e.app.Keys(),
		Calendar: cal, Location: e.app.Location(), Batch: batch,
		Progress: func(done int) {
			if done >= next || done == size {
				fmt.Fprintf(m.Stderr, "generated %d of %d (%s)\n", done, size, time.Since(start).Round(time.Second))
				next = done/step*step + step
			}
		}})
	return time.Since(start), err
}
