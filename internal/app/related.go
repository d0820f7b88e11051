package app

import (
	"cmp"
	"context"
	"slices"
	"strconv"

	"tousu"
)

// MaxRelated bounds the complaints Related returns for each blind index.
const MaxRelated = 50

// RelatedItem is an earlier (or later) complaint from the same complainant, as the viewer
// may see it (identity masked), with what it shares with the case.
type RelatedItem struct {
	ComplaintView
	// Matches names what the two complainants share: "phone", "id_number" or both.
	Matches []string `json:"matches"`
}

// RelatedList is the answer of Related.
type RelatedList struct {
	Items []RelatedItem `json:"items"`
}

// CanSeeRelated reports, as an error, whether the actor may look for a complainant's other
// complaints: the roles Related requires, asked before the desk offers it.
func CanSeeRelated(actor tousu.Actor) error {
	return requireRole(actor, tousu.RoleSupervisor, tousu.RoleInspector)
}

// Related finds the other complaints of the complainant of a case — those sharing its phone
// number or ID number — without decrypting any identity: it compares the blind indexes
// (REQUIREMENTS D1). Supervisors and inspectors only, within their scope, recusal applied
// (what they may not see is never counted or named); newest first, at most MaxRelated per
// index. The look-up is audited as related, because linking complaints to one person is
// itself something to answer for.
func (a *App) Related(ctx context.Context, actor tousu.Actor, number string) (*RelatedList, error) {
	if err := CanSeeRelated(actor); err != nil {
		return nil, err
	}
	ref, c, err := a.load(ctx, actor, number)
	if err != nil {
		return nil, err
	}
	found := map[string]*RelatedItem{}
	if !c.Identity.Anonymous {
		for _, idx := range []struct {
			match string
			set   func(*tousu.ComplaintFilter)
			value string
		}{
			{"phone", func(f *tousu.ComplaintFilter) { f.PhoneIndex = c.Identity.PhoneIndex }, c.Identity.PhoneIndex},
			{"id_number", func(f *tousu.ComplaintFilter) { f.IDNumberIndex = c.Identity.IDNumberIndex }, c.Identity.IDNumberIndex},
		} {
			if idx.value == "" {
				continue
			}
			f := tousu.ComplaintFilter{Order: tousu.OrderNewest, Limit: MaxRelated}
			if err := ref.scopeFilter(actor, &f); err != nil {
				return nil, err
			}
			idx.set(&f)
			cs, err := a.store.ListComplaints(ctx, f)
			if err != nil {
				return nil, err
			}
			for _, o := range cs {
				if o.ID == c.ID || !ref.visible(actor, o) {
					continue
				}
				it := found[o.ID]
				if it == nil {
					it = &RelatedItem{ComplaintView: *a.view(ctx, ref, actor, o)}
					found[o.ID] = it
				}
				it.Matches = append(it.Matches, idx.match)
			}
		}
	}
	out := &RelatedList{Items: make([]RelatedItem, 0, len(found))}
	for _, it := range found {
		out.Items = append(out.Items, *it)
	}
	slices.SortFunc(out.Items, func(x, y RelatedItem) int {
		return cmp.Or(y.ReceivedAt.Compare(x.ReceivedAt), cmp.Compare(y.Number, x.Number))
	})
	if err := a.audit(ctx, actor, "related", c.Number, strconv.Itoa(len(out.Items))+" found"); err != nil {
		return nil, err
	}
	return out, nil
}
