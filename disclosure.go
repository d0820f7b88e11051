package tousu

import "time"

// Disclosure is a period's public disclosure (公示, REQUIREMENTS G1): per-unit figures and
// the period's concluded complaints, de-identified. A draft is prepared and reviewed; once
// published it never changes, and a correction is a new version that says what changed.
type Disclosure struct {
	ID      int64             `json:"id"`
	Period  string            `json:"period"` // 2026-11, 2026-Q4, 2026
	Unit    string            `json:"unit"`   // the unit whose subtree it covers
	Version int               `json:"version"`
	Status  DisclosureStatus  `json:"status"`
	Content DisclosureContent `json:"content"`
	// Changes says what a correction changed from the version before; "" for a first.
	Changes     string     `json:"changes,omitempty"`
	CreatedBy   string     `json:"-"`
	CreatedAt   time.Time  `json:"created_at"`
	PublishedBy string     `json:"-"`
	PublishedAt *time.Time `json:"published_at,omitempty"`
}

// DisclosureStatus is draft or published.
type DisclosureStatus string

// The disclosure statuses.
const (
	DisclosureDraft     DisclosureStatus = "draft"
	DisclosurePublished DisclosureStatus = "published"
)

// DisclosureContent is what the public reads: no names, phones, staff names or free text
// from a complainant, only figures, codes, vocabularies and the summaries staff wrote.
type DisclosureContent struct {
	Title      string           `json:"title"`
	PeriodName string           `json:"period_name"`
	From       Date             `json:"from"`
	To         Date             `json:"to"`
	UnitName   string           `json:"unit_name"`
	Units      []DisclosureUnit `json:"units"`
	Cases      []DisclosureCase `json:"cases"`
	// Windows are the 好评率 of the period's ratings per window (absent in disclosures
	// made before ratings were disclosed).
	Windows []DisclosureWindow `json:"windows,omitempty"`
	// MinSample and MinRank are the thresholds the figures were published under.
	MinSample int `json:"min_sample"`
	MinRank   int `json:"min_rank"`
}

// DisclosureUnit is one unit's published figures.
type DisclosureUnit struct {
	Code      string `json:"code"`
	Name      string `json:"name"`
	Received  int64  `json:"received"`
	Concluded int64  `json:"concluded"` // replied (答复 or 办结) in the period
	// Insufficient: fewer than MinSample concluded, so no rate is shown (样本不足).
	Insufficient bool  `json:"insufficient"`
	OnTime       *Rate `json:"on_time,omitempty"`
	Founded      *Rate `json:"founded,omitempty"`
	Satisfied    *Rate `json:"satisfied,omitempty"`
	// Rank by on-time rate among units with at least MinRank concluded; 0 when unranked.
	Rank int `json:"rank,omitempty"`
}

// DisclosureWindow is one window's published 好差评 figure.
type DisclosureWindow struct {
	Code    string `json:"code"`
	Name    string `json:"name"`
	Ratings int64  `json:"ratings"` // the period's ratings, upheld appeals left out
	// Insufficient: fewer than MinSample ratings, so no rate is shown (样本不足).
	Insufficient bool  `json:"insufficient"`
	Good         *Rate `json:"good,omitempty"` // 好评率: 满意 and 非常满意 / all
}

// Rate is a proportion with its 95% Wilson score interval.
type Rate struct {
	Num   int64   `json:"num"`
	Den   int64   `json:"den"`
	Value float64 `json:"value"`
	Low   float64 `json:"low"`
	High  float64 `json:"high"`
}

// DisclosureCase is one concluded complaint as the public sees it.
type DisclosureCase struct {
	Number   string `json:"number"`
	Unit     string `json:"unit"`
	Category string `json:"category"`
	Finding  string `json:"finding"`
	Measures string `json:"measures"`
	// Summary is the public summary a supervisor wrote or approved (the draft proposes
	// one made from the finding and measures alone).
	Summary string `json:"summary"`
}
