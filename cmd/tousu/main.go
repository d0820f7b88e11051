// Command tousu runs the complaint-intake and conduct-supervision system: the server and
// the operator's subcommands. It only reads flags and the environment and wires the
// packages together; everything else lives in the packages.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	m := &Main{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv}
	if err := m.Run(ctx, os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "tousu:", err)
		os.Exit(exitCode(err))
	}
}
