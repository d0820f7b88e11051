package tousu

import "fmt"

// BulkComplaint is one complaint with its whole history, written by Store.BulkRegister:
// a complaint generated for a benchmark (tousu bench) or one imported from an older
// system. It is stored exactly as a registration stores it — the complaint row, its
// categories and assisting units, its sealed identity and blind indexes, its number, its
// events and its audit records — through the same code, so that a bulk load and a live
// registration cannot write different things.
type BulkComplaint struct {
	// Complaint is its final projection, as it stands after the last event: ID, Status,
	// the instants ReceivedAt, CreatedAt, UpdatedAt and ClosedAt (for a closed or
	// archived one), Deadline, Decision, Reply, Handling, Satisfaction and so on. The
	// identity is the sealed one (Identity, with its blind indexes); Complainant, the
	// plaintext, is never stored. The store sets Number (see NumberPrefix) and Version
	// (the number of events).
	Complaint *Complaint
	// NumberPrefix, when set, numbers the complaint as a registration on that day is
	// numbered (e.g. "TS20250314" → "TS20250314-0042"), from the same per-day counter:
	// a bulk load and live registrations never hand out the same number. When empty, the
	// complaint keeps Complaint.Number (an imported complaint's own number), which must
	// be unused.
	NumberPrefix string
	// Events is the timeline, oldest first, each with its own At; the first is the
	// registration (EventRegister). The store sets ID, Seq and ComplaintID.
	Events []Event
	// Audit is the audit records of the acts, each with its own At; an empty Object
	// stands for the complaint's number. The store chains them (ID, PrevHash, Hash).
	Audit []AuditRecord
}

// The sources of a bulk load: BulkRegister writes its source into every event's payload
// ("source") and, as the client, into every audit record that names none, so that a
// loaded history is always told apart from one that happened in tousu.
const (
	SourceImport    = "import"    // complaints from an older system
	SourceGenerated = "generated" // complaints made up for a benchmark
)

// Check reports what makes b unstorable, naming the complaint.
func (b *BulkComplaint) Check() error {
	c := b.Complaint
	switch {
	case c == nil || c.ID == "":
		return fmt.Errorf("bulk complaint: the complaint and its ID are required")
	case b.NumberPrefix == "" && c.Number == "":
		return fmt.Errorf("bulk complaint %s: a number or a number prefix is required", c.ID)
	case len(b.Events) == 0 || b.Events[0].Type != EventRegister:
		return fmt.Errorf("bulk complaint %s: the first event must be its registration", c.ID)
	case c.ReceivedAt.IsZero() || c.CreatedAt.IsZero():
		return fmt.Errorf("bulk complaint %s: received and created instants are required", c.ID)
	}
	return nil
}
