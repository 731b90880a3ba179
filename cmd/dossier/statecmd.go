package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/dossier-bot/dossier/bot/state"
)

const stateAbout = `Moves the bot's state between a data folder and a PostgreSQL database:

  dossier state export --data DIR | DOSSIER_DATABASE_URL=postgres://… dossier state import

export writes every record of the state (subscriptions, watches, documents,
digests, questions, kept citations with where they were shown, and the
citation links' secret) to standard output, one JSON record a line. import
reads them from standard input into a store that must be empty, in one
transaction: a bad line leaves it empty.

The state is DIR/state.db when --data is given; otherwise the database at
DOSSIER_DATABASE_URL, or else DOSSIER_DATA's state.db. Stop dossier serve
first: a state file is opened by one process at a time, and a database
being written while it is exported gives a snapshot that misses the
writes.`

// stateConfig is state's settings.
type stateConfig struct {
	Config
	DatabaseURL string `split_words:"true" desc:"a PostgreSQL URL: the state is there instead of in DATA/state.db"`
}

func runState(ctx context.Context, args []string, loadEnv envLoader, sio stdio) error {
	fs := newFlagSet("state", "dossier state export|import [--data DIR]", stateAbout)
	data := fs.String("data", "", "the state is this `folder`'s state.db, even with DOSSIER_DATABASE_URL set (overrides DOSSIER_DATA)")
	rest, helped, err := fs.parse(args, sio.out)
	if err != nil || helped {
		return err
	}
	if len(rest) != 1 || (rest[0] != "export" && rest[0] != "import") {
		return &usageError{msg: "state wants export or import", help: fs.usage()}
	}
	var cfg stateConfig
	if err := loadSettings(loadEnv, &cfg, fs.usage()); err != nil {
		return err
	}
	dbURL, dir := strings.TrimSpace(cfg.DatabaseURL), cfg.Data
	if fs.isSet("data") {
		dbURL, dir = "", *data
	}
	if dbURL == "" && dir == "" {
		return &usageError{msg: "state needs --data DIR, DOSSIER_DATA or DOSSIER_DATABASE_URL", help: fs.usage()}
	}
	st, err := openState(ctx, dbURL, dir, rest[0] == "import")
	if err != nil {
		return err
	}
	defer st.Close()
	if rest[0] == "export" {
		n, err := state.WriteRecords(sio.out, st)
		if err != nil {
			return err
		}
		fmt.Fprintf(sio.errOut, "dossier: exported %d records\n", n)
		return nil
	}
	n, err := st.Import(state.ReadRecords(sio.in))
	if errors.Is(err, state.ErrNotEmpty) {
		return fmt.Errorf("import state: %w; import into a new data folder or an empty database", err)
	}
	if err != nil {
		return fmt.Errorf("import state: %w; nothing was imported", err)
	}
	fmt.Fprintf(sio.errOut, "dossier: imported %d records\n", n)
	return nil
}

// openState opens the database at dbURL, or else dir's state file, which
// only an import may create.
func openState(ctx context.Context, dbURL, dir string, create bool) (state.Store, error) {
	if dbURL != "" {
		return state.OpenPostgres(ctx, dbURL)
	}
	path := filepath.Join(dir, state.FileName)
	if _, err := os.Stat(path); err != nil && !create {
		return nil, fmt.Errorf("no state to export in %s: %w", dir, err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("create data folder %q: %w", dir, err)
	}
	st, err := state.Open(path)
	if errors.Is(err, state.ErrLocked) {
		return nil, fmt.Errorf("the state %s is in use by another dossier process: stop dossier serve first", path)
	}
	return st, err
}
