package tousu

import (
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// FirstReceiver is who first received a complaint (首诉责任人, REQUIREMENTS A5): a staff
// member by badge, whether or not they have an account, and the unit where it was
// received. Portal complaints have none.
type FirstReceiver struct {
	Staff string `json:"staff"`
	Unit  string `json:"unit"`
}

// Intake is how a complaint reached the office: who first received it, where, and when
// it was handed over (首诉负责制, 当天交综合办). It is kept with the complaint.
type Intake struct {
	Staff        string     `json:"staff,omitempty"`
	Unit         string     `json:"unit,omitempty"`
	HandedOverAt *time.Time `json:"handed_over_at,omitempty"`
}

// PhoneProblem is the message for a phone number that cannot be called.
const PhoneProblem = "电话号码格式不正确：手机号应为11位（1开头），固定电话须带区号（如 0571-87654321，可加分机号），境外号码须以+和国家或地区代码开头"

var (
	phoneExtension = regexp.MustCompile(`(?i)^(.*?)\s*(?:转|分机|ext\.?|x|#)\s*([0-9]{1,6})$`)
	phoneChars     = regexp.MustCompile(`^\+?[0-9 \-()]+$`)
	mobileShape    = regexp.MustCompile(`^1[3-9][0-9]{9}$`)
)

// NormalizePhone checks a phone number and writes it one way, so that it can be called
// and matched: a mainland mobile as 11 digits (13812345678, "+86" dropped); a landline
// with its area code as 0571-87654321, an extension after a dash (0571-87654321-123);
// any other region as + and digits. Spaces, dashes, brackets and full-width digits are
// accepted as typed. ok is false for a number that cannot be one.
func NormalizePhone(s string) (string, bool) {
	s = strings.Map(func(r rune) rune {
		switch {
		case r >= '０' && r <= '９':
			return '0' + (r - '０')
		case r == '＋':
			return '+'
		case r == '－' || r == '—' || r == '–':
			return '-'
		case r == '（':
			return '('
		case r == '）':
			return ')'
		}
		return r
	}, strings.TrimSpace(s))
	ext := ""
	if m := phoneExtension.FindStringSubmatch(s); m != nil {
		s, ext = m[1], m[2]
	}
	if s == "" || !phoneChars.MatchString(s) {
		return "", false
	}
	groups := strings.FieldsFunc(s, func(r rune) bool { return r < '0' || r > '9' })
	digits := strings.Join(groups, "")
	international := strings.HasPrefix(s, "+") || strings.HasPrefix(digits, "00")
	if international {
		digits = strings.TrimPrefix(digits, "00")
		if strings.HasPrefix(digits, "86") {
			rest := digits[2:]
			if strings.HasPrefix(rest, "1") && !strings.HasPrefix(rest, "10") { // 10 is Beijing's area code
				if mobileShape.MatchString(rest) && ext == "" {
					return rest, true
				}
				return "", false
			}
			// A mainland landline dialled from abroad drops the trunk 0.
			return landline("0"+rest, nil, ext)
		}
		if len(digits) < 7 || len(digits) > 15 || digits[0] == '0' {
			return "", false
		}
		if ext != "" {
			return "+" + digits + "-" + ext, true
		}
		return "+" + digits, true
	}
	switch {
	case strings.HasPrefix(digits, "1"):
		if mobileShape.MatchString(digits) && ext == "" {
			return digits, true
		}
		return "", false
	case strings.HasPrefix(digits, "0"):
		return landline(digits, groups, ext)
	}
	return "", false
}

// landline writes a mainland landline with its area code: the area code is 3 digits for
// 010 and 02x, 4 otherwise, unless the groups as typed say where it ends; the local
// number is 7 or 8 digits; a third group as typed is an extension.
func landline(digits string, groups []string, ext string) (string, bool) {
	area := 4
	if len(digits) > 1 && (digits[1] == '1' || digits[1] == '2') {
		area = 3
	}
	if len(groups) >= 2 && strings.HasPrefix(groups[0], "0") && (len(groups[0]) == 3 || len(groups[0]) == 4) {
		area = len(groups[0])
		if len(groups) == 3 && ext == "" && len(groups[1]) >= 7 && len(groups[2]) <= 6 {
			ext = groups[2]
			digits = groups[0] + groups[1]
		}
	}
	if len(digits) <= area {
		return "", false
	}
	local := digits[area:]
	if len(local) < 7 || len(local) > 8 || local[0] == '0' || local[0] == '1' {
		return "", false
	}
	out := digits[:area] + "-" + local
	if ext != "" {
		out += "-" + ext
	}
	return out, true
}

// ValidName reports whether s can be a person's name: no control or format characters
// (which hide text), no emoji or other pictographs. The middle dot of transliterated
// names (·) and letters of any script are fine.
func ValidName(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		switch {
		case unicode.IsControl(r), unicode.Is(unicode.Cf, r), unicode.Is(unicode.Co, r), unicode.Is(unicode.Cs, r):
			return false
		case unicode.Is(unicode.So, r), unicode.Is(unicode.Sk, r), r >= 0x1F000:
			return false
		case r >= 0xFE00 && r <= 0xFE0F: // variation selectors, which turn text into emoji
			return false
		}
	}
	return true
}

// validateIntake checks the first receiver and the handover time.
func (r *Register) validateIntake(p Problems, now time.Time) {
	if fr := r.FirstReceiver; fr != nil {
		if fr.Staff == "" {
			p.Add("first_receiver.staff", "请填写首诉责任人的工号")
		} else if len(fr.Staff) > 64 {
			p.Add("first_receiver.staff", "工号过长")
		}
		if fr.Unit != "" && !codePattern.MatchString(fr.Unit) {
			p.Add("first_receiver.unit", "单位代码不正确")
		}
	}
	if h := r.HandedOverAt; h != nil {
		if h.After(now.Add(5 * time.Minute)) {
			p.Add("handed_over_at", "移交时间不能晚于当前时间")
		}
		if r.ReceivedAt != nil && h.Before(*r.ReceivedAt) {
			p.Add("handed_over_at", "移交时间不能早于收到时间")
		}
	}
}

// AmendPayload corrects a registration (补正): any registration field, with a reason.
// A field left out stays as it is; a nested object replaces only the fields it names.
type AmendPayload struct {
	Reason            string            `json:"reason"`
	Kind              *Kind             `json:"kind,omitempty"`
	Channel           *Channel          `json:"channel,omitempty"`
	ReceivedAt        *time.Time        `json:"received_at,omitempty"`
	Complainant       *ComplainantPatch `json:"complainant,omitempty"`
	Target            *TargetPatch      `json:"target,omitempty"`
	Matter            *string           `json:"matter,omitempty"`
	Request           *string           `json:"request,omitempty"`
	Categories        *[]string         `json:"categories,omitempty"`
	IncidentAt        *time.Time        `json:"incident_at,omitempty"`
	IncidentPlace     *string           `json:"incident_place,omitempty"`
	BusinessReceiptNo *string           `json:"business_receipt_no,omitempty"`
	Written           *bool             `json:"written,omitempty"`
	FirstReceiver     *FirstReceiver    `json:"first_receiver,omitempty"`
	HandedOverAt      *time.Time        `json:"handed_over_at,omitempty"`
}

// ComplainantPatch names the complainant's fields an amendment changes.
type ComplainantPatch struct {
	Name         *string `json:"name,omitempty"`
	Phone        *string `json:"phone,omitempty"`
	Email        *string `json:"email,omitempty"`
	IDNumber     *string `json:"id_number,omitempty"`
	Organization *string `json:"organization,omitempty"`
	Address      *string `json:"address,omitempty"`
	Anonymous    *bool   `json:"anonymous,omitempty"`
}

// TargetPatch names the target's fields an amendment changes.
type TargetPatch struct {
	Unit        *string `json:"unit,omitempty"`
	Staff       *string `json:"staff,omitempty"`
	Description *string `json:"description,omitempty"`
}

// Validate implements Payload: the reason is required, and something must change. The
// corrected registration as a whole is validated by the use case.
func (p *AmendPayload) Validate() error {
	pr := Problems{}
	if strings.TrimSpace(p.Reason) == "" {
		pr.Add("reason", "请填写补正理由")
	}
	checkLen(pr, "reason", p.Reason, MaxText)
	if p.Kind == nil && p.Channel == nil && p.ReceivedAt == nil && p.Complainant == nil && p.Target == nil &&
		p.Matter == nil && p.Request == nil && p.Categories == nil && p.IncidentAt == nil && p.IncidentPlace == nil &&
		p.BusinessReceiptNo == nil && p.Written == nil && p.FirstReceiver == nil && p.HandedOverAt == nil {
		pr.Add("reason", "请至少补正一项登记内容")
	}
	return pr.Err()
}

// ApplyTo returns r with the amendment's fields put in.
func (p *AmendPayload) ApplyTo(r Register) Register {
	set := func(dst *string, v *string) {
		if v != nil {
			*dst = *v
		}
	}
	if p.Kind != nil {
		r.Kind = *p.Kind
	}
	if p.Channel != nil {
		r.Channel = *p.Channel
	}
	if p.ReceivedAt != nil {
		r.ReceivedAt = p.ReceivedAt
	}
	if c := p.Complainant; c != nil {
		set(&r.Complainant.Name, c.Name)
		set(&r.Complainant.Phone, c.Phone)
		set(&r.Complainant.Email, c.Email)
		set(&r.Complainant.IDNumber, c.IDNumber)
		set(&r.Complainant.Organization, c.Organization)
		set(&r.Complainant.Address, c.Address)
		if c.Anonymous != nil {
			r.Complainant.Anonymous = *c.Anonymous
			if *c.Anonymous {
				r.Complainant = Complainant{Anonymous: true}
			}
		}
	}
	if t := p.Target; t != nil {
		set(&r.Target.Unit, t.Unit)
		set(&r.Target.Staff, t.Staff)
		set(&r.Target.Description, t.Description)
	}
	set(&r.Matter, p.Matter)
	set(&r.Request, p.Request)
	if p.Categories != nil {
		r.Categories = *p.Categories
	}
	if p.IncidentAt != nil {
		r.IncidentAt = p.IncidentAt
	}
	set(&r.IncidentPlace, p.IncidentPlace)
	set(&r.BusinessReceiptNo, p.BusinessReceiptNo)
	if p.Written != nil {
		r.Written = *p.Written
	}
	if p.FirstReceiver != nil {
		fr := *p.FirstReceiver
		r.FirstReceiver = &fr
	}
	if p.HandedOverAt != nil {
		r.HandedOverAt = p.HandedOverAt
	}
	return r
}

// FieldChange is one corrected field of an amendment as its event keeps it. Identity values
// are kept sealed (OldSealed, NewSealed) and shown masked (Old, New).
type FieldChange struct {
	Field     string `json:"field"`
	Old       string `json:"old"`
	New       string `json:"new"`
	Sealed    bool   `json:"sealed,omitempty"`
	OldSealed []byte `json:"old_sealed,omitempty"`
	NewSealed []byte `json:"new_sealed,omitempty"`
}

// EventQueryCode is the event of a reissued query code: internal, as an amendment is,
// since the complainant learns of both at the counter.
const EventQueryCode EventType = "query_code"
