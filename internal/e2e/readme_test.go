package e2e

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"

	"tousu"
	"tousu/internal/app"
	"tousu/internal/demo"
)

var readmeScreenshot = flag.Bool("readme-screenshot", false,
	"write ../../docs/screenshot-desk.png: the desk's inbox over the demo's data, for the README")

// TestReadmeScreenshot makes the README's picture of the desk: the supervisor's inbox
// over the demo organisation and complaints. It runs only when asked:
//
//	go test ./internal/e2e -run TestReadmeScreenshot -readme-screenshot
func TestReadmeScreenshot(t *testing.T) {
	if !*readmeScreenshot {
		t.Skip("run with -readme-screenshot to update docs/screenshot-desk.png")
	}
	srv := startServer(t, serverOptions{Bare: true, Seed: func(t *testing.T, srv *server) {
		ctx := context.Background()
		// The root unit is named as a deployment's admin would: the site's name.
		if err := srv.App.PutUnit(ctx, admin, tousu.Unit{Code: app.RootUnitCode, Name: "和平区", Kind: tousu.UnitRegion}); err != nil {
			t.Fatal(err)
		}
		if _, err := demo.Load(ctx, srv.App, demo.Options{}); err != nil {
			t.Fatal(err)
		}
		srv.Password = demo.Password
	}})
	tab := newTab(t, newBrowser(t))
	signIn(t, tab, srv, "supervisor")
	run(t, tab, "the inbox", chromedp.Navigate(srv.URL+"/desk/?tab=working"), chromedp.WaitVisible(chromedp.CSS("table.inbox")),
		chromedp.EmulateViewport(desktopWidth, 860))
	png, err := chromedp.Run(tab, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatal(err)
	}
	if len(png) > 300<<10 {
		t.Errorf("the screenshot is %d KB, over the README's 300 KB", len(png)>>10)
	}
	path := filepath.Join("..", "..", "docs", "screenshot-desk.png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %s (%d KB)", path, len(png)>>10)
}
