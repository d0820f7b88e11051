package bench

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"

	"github.com/jackc/pgx/v5/pgxpool"
	_ "modernc.org/sqlite" // the baseline's own SQLite file
)

// Baseline is the server a benchmark measures tousu against, in the same run and over
// the same HTTP client: POST /json decodes a registration and answers with a number, as
// bare as a Go JSON handler gets; POST /commit does the same plus one durable insert of
// the matter into the same engine (a SQLite file with tousu's pragmas, committed on its
// own; or a PostgreSQL insert that commits by itself). Registration cannot be faster than
// /json, and a store that commits every registration on its own not faster than /commit.
type Baseline struct {
	insert func(ctx context.Context, matter string) error
	close  func()
	n      atomic.Int64
}

// OpenBaseline opens the baseline's table: for sqlite:PATH a scratch file PATH.baseline,
// for a postgres:// URL a table bench_baseline in that database.
func OpenBaseline(ctx context.Context, dsn string) (*Baseline, error) {
	if path, ok := strings.CutPrefix(dsn, "sqlite:"); ok {
		db, err := sql.Open("sqlite", path+".baseline?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_txlock=immediate")
		if err != nil {
			return nil, err
		}
		db.SetMaxOpenConns(1)
		if _, err := db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, matter TEXT NOT NULL)`); err != nil {
			db.Close()
			return nil, err
		}
		return &Baseline{close: func() { db.Close() }, insert: func(ctx context.Context, m string) error {
			_, err := db.ExecContext(ctx, `INSERT INTO t (matter) VALUES (?)`, m)
			return err
		}}, nil
	}
	pool, err := pgxpool.New(ctx, dsn)
	if err != nil {
		return nil, err
	}
	if _, err := pool.Exec(ctx, `CREATE TABLE IF NOT EXISTS bench_baseline (id bigserial PRIMARY KEY, matter text NOT NULL)`); err != nil {
		pool.Close()
		return nil, err
	}
	return &Baseline{close: pool.Close, insert: func(ctx context.Context, m string) error {
		_, err := pool.Exec(ctx, `INSERT INTO bench_baseline (matter) VALUES ($1)`, m)
		return err
	}}, nil
}

// Close releases the baseline's database.
func (b *Baseline) Close() { b.close() }

// baselineRegister is what the baseline decodes: the fields of a registration.
type baselineRegister struct {
	Kind        string `json:"kind"`
	Channel     string `json:"channel"`
	Complainant struct {
		Name  string `json:"name"`
		Phone string `json:"phone"`
	} `json:"complainant"`
	Target struct {
		Unit string `json:"unit"`
	} `json:"target"`
	Matter     string   `json:"matter"`
	Request    string   `json:"request"`
	Categories []string `json:"categories"`
}

// Handler serves /healthz, /json and /commit.
func (b *Baseline) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(`{"status":"ok"}`)) })
	handle := func(commit bool) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			var in baselineRegister
			if err := json.NewDecoder(r.Body).Decode(&in); err != nil || in.Matter == "" {
				http.Error(w, "bad request", http.StatusBadRequest)
				return
			}
			if commit {
				if err := b.insert(r.Context(), in.Matter); err != nil {
					http.Error(w, err.Error(), http.StatusInternalServerError)
					return
				}
			}
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusCreated)
			json.NewEncoder(w).Encode(map[string]string{"number": fmt.Sprintf("TS-%06d", b.n.Add(1)), "status": "registered"})
		}
	}
	mux.HandleFunc("POST /json", handle(false))
	mux.HandleFunc("POST /commit", handle(true))
	return mux
}
