// compose-check loads a compose file with compose-go, the library `docker compose` itself loads
// files with: schema validation against the Compose Specification, interpolation, profiles,
// extends and the cross-service checks (depends_on, networks, volumes) run as `docker compose
// config` runs them, without a Docker engine. On success it prints the normalised project as JSON
// (paths resolved, defaults applied) for the tests to inspect; on failure the error, exit 1.
//
//	compose-check [--profile NAME]... FILE
package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	"github.com/compose-spec/compose-go/v2/cli"
)

type profiles []string

func (p *profiles) String() string     { return fmt.Sprint(*p) }
func (p *profiles) Set(v string) error { *p = append(*p, v); return nil }

func main() {
	var active profiles
	flag.Var(&active, "profile", "enable a profile (repeatable)")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: compose-check [--profile NAME]... FILE")
		os.Exit(2)
	}
	options, err := cli.NewProjectOptions([]string{flag.Arg(0)},
		cli.WithOsEnv, cli.WithProfiles(active), cli.WithResolvedPaths(true))
	if err == nil {
		var out []byte
		out, err = load(options)
		if err == nil {
			fmt.Println(string(out))
			return
		}
	}
	fmt.Fprintln(os.Stderr, "compose-check:", err)
	os.Exit(1)
}

func load(options *cli.ProjectOptions) ([]byte, error) {
	project, err := options.LoadProject(context.Background())
	if err != nil {
		return nil, err
	}
	return project.MarshalJSON()
}
