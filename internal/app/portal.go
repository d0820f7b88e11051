package app

import (
	"context"
	"strings"

	"tousu"
)

// PortalInfo is what the public portal says about the organisation: its name and the
// other ways to complain (REQUIREMENTS A1: hotline, letters and visits, mailbox). An
// admin sets it; a text left empty falls back to the organisation data.
type PortalInfo struct {
	OrgName string // the organisation's name in the portal's header
	Hotline string // 投诉电话
	Address string // 来信来访地址
	Mailbox string // 投诉信箱: an e-mail address or where the comment box hangs
	Hours   string // 受理时间
}

// portalField is one admin-settable text of the portal, stored as a setting.
type portalField struct {
	key   string
	name  string // the form's field name
	max   int    // characters
	value func(*PortalInfo) *string
}

var portalFields = []portalField{
	{"portal.org_name", "org_name", 100, func(p *PortalInfo) *string { return &p.OrgName }},
	{"portal.hotline", "hotline", 100, func(p *PortalInfo) *string { return &p.Hotline }},
	{"portal.address", "address", tousu.MaxShortText, func(p *PortalInfo) *string { return &p.Address }},
	{"portal.mailbox", "mailbox", tousu.MaxShortText, func(p *PortalInfo) *string { return &p.Mailbox }},
	{"portal.hours", "hours", tousu.MaxShortText, func(p *PortalInfo) *string { return &p.Hours }},
}

// PortalSettings returns the portal's texts as the public sees them: what the admin set,
// and for anything left empty the organisation's own data — the root unit's name, the
// supervision office's (else the root's) phone, address and hours.
func (a *App) PortalSettings(ctx context.Context) (PortalInfo, error) {
	stored, defaults, err := a.portalSettings(ctx)
	if err != nil {
		return PortalInfo{}, err
	}
	for _, f := range portalFields {
		if v := f.value(&stored); *v == "" {
			*v = *f.value(&defaults)
		}
	}
	return stored, nil
}

// PortalSettingsForEdit returns, for the admin's form, the texts as set (empty when
// unset) and the defaults that apply to those left empty (admin).
func (a *App) PortalSettingsForEdit(ctx context.Context, actor tousu.Actor) (stored, defaults PortalInfo, err error) {
	if err := requireRole(actor, tousu.RoleAdmin); err != nil {
		return PortalInfo{}, PortalInfo{}, err
	}
	return a.portalSettings(ctx)
}

func (a *App) portalSettings(ctx context.Context) (stored, defaults PortalInfo, err error) {
	all, err := a.store.ListSettings(ctx)
	if err != nil {
		return PortalInfo{}, PortalInfo{}, err
	}
	for _, f := range portalFields {
		*f.value(&stored) = all[f.key]
	}
	ref, err := a.reference(ctx)
	if err != nil {
		return PortalInfo{}, PortalInfo{}, err
	}
	root := ref.unitByCode[ref.rootCode()]
	defaults.OrgName = root.Name
	office := root
	for _, u := range ref.units {
		if u.Kind == tousu.UnitOffice {
			office = u
			break
		}
	}
	pick := func(a, b string) string {
		if a != "" {
			return a
		}
		return b
	}
	defaults.Hotline = pick(office.Phone, root.Phone)
	defaults.Address = pick(office.Address, root.Address)
	defaults.Hours = pick(office.Hours, root.Hours)
	return stored, defaults, nil
}

// PutPortalSettings sets the portal's texts (admin; audited). An empty text returns to
// its default.
func (a *App) PutPortalSettings(ctx context.Context, actor tousu.Actor, info PortalInfo) error {
	if err := a.requireRootAdmin(ctx, actor); err != nil {
		return err
	}
	p := tousu.Problems{}
	for _, f := range portalFields {
		v := f.value(&info)
		*v = strings.TrimSpace(*v)
		// One line each, no control characters or direction overrides, within f.max.
		tousu.CheckLine(p, f.name, *v, f.max)
	}
	if err := p.Err(); err != nil {
		return err
	}
	var changed []string
	old, _, err := a.portalSettings(ctx)
	if err != nil {
		return err
	}
	for _, f := range portalFields {
		if *f.value(&info) == *f.value(&old) {
			continue
		}
		if err := a.store.PutSetting(ctx, f.key, *f.value(&info)); err != nil {
			return err
		}
		changed = append(changed, f.name)
	}
	if len(changed) == 0 {
		return nil
	}
	return a.audit(ctx, actor, "portal.put", "", strings.Join(changed, ","))
}

// SubmitPortal is SubmitPublic for the portal's form, made idempotent by the form's key:
// the portal answers a submission with the receipt page itself (the query code must not
// travel in a redirect), so reloading that page posts the form again, and a double tap
// posts it twice. The same key with the same content answers with the same complaint and
// its query code; the same key with other content is a conflict. key is a random value
// the portal put in the form; "" behaves as SubmitPublic.
func (a *App) SubmitPortal(ctx context.Context, key string, in tousu.Register, evidence ...Upload) (*ComplaintView, error) {
	if key == "" {
		return a.SubmitPublic(ctx, in, evidence...)
	}
	switch in.Channel {
	case tousu.ChannelWeb, tousu.ChannelWechat, tousu.ChannelKiosk:
	case "":
		in.Channel = tousu.ChannelWeb
	default:
		return nil, tousu.Problems{"channel": "网上投诉的渠道只能是 web、wechat 或 kiosk"}.Err()
	}
	in.ReceivedAt = nil
	return a.register(ctx, tousu.PublicActor, in, RegisterOptions{IdempotencyKey: "portal-" + key, Evidence: evidence})
}
