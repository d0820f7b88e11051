package sqlstore

import (
	"context"

	"tousu"
)

// ListUnits returns the whole organisation tree in depth-first order: each unit right
// after its parent's earlier children's subtrees, siblings by sort then code.
func (s *Store) ListUnits(ctx context.Context) (_ []tousu.Unit, err error) {
	defer s.wrap(&err, "store.ListUnits")
	rows, err := s.e.Read.Query(ctx, `SELECT code, name, parent, kind, services, hours, phone, address, sort
		FROM units ORDER BY sort, code`)
	units, err := collect(rows, err, func(r Row) (u tousu.Unit, err error) {
		err = r.Scan(&u.Code, &u.Name, &u.Parent, &u.Kind, &u.Services, &u.Hours, &u.Phone, &u.Address, &u.Sort)
		return u, err
	})
	if err != nil {
		return nil, err
	}
	return tousu.TreeOrder(units, func(u tousu.Unit) (string, string) { return u.Code, u.Parent }), nil
}

// PutUnit inserts or updates a unit by code.
func (s *Store) PutUnit(ctx context.Context, u tousu.Unit) (err error) {
	defer s.wrap(&err, "store.PutUnit(%q)", u.Code)
	return s.e.One(ctx, func(ctx context.Context, q Querier) error {
		_, err := q.Exec(ctx, `INSERT INTO units (code, name, parent, kind, services, hours, phone, address, sort)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (code) DO UPDATE SET name = excluded.name, parent = excluded.parent, kind = excluded.kind,
				services = excluded.services, hours = excluded.hours, phone = excluded.phone,
				address = excluded.address, sort = excluded.sort`,
			u.Code, u.Name, u.Parent, u.Kind, u.Services, u.Hours, u.Phone, u.Address, u.Sort)
		return err
	})
}

const staffColumns = `badge, name, unit, title, active`

func scanStaff(r Row) (st tousu.Staff, err error) {
	err = r.Scan(&st.Badge, &st.Name, &st.Unit, &st.Title, &st.Active)
	return st, err
}

// ListStaff returns the staff of a unit ("" for everyone), by badge.
func (s *Store) ListStaff(ctx context.Context, unit string) (_ []tousu.Staff, err error) {
	defer s.wrap(&err, "store.ListStaff(%q)", unit)
	if !s.storable(unit) {
		return nil, nil // no staff member's unit can be it
	}
	var rows Rows
	if unit == "" {
		rows, err = s.e.Read.Query(ctx, `SELECT `+staffColumns+` FROM staff ORDER BY badge`)
	} else {
		rows, err = s.e.Read.Query(ctx, `SELECT `+staffColumns+` FROM staff WHERE unit = ? ORDER BY badge`, unit)
	}
	return collect(rows, err, scanStaff)
}

// FindStaff returns the staff member with the badge.
func (s *Store) FindStaff(ctx context.Context, badge string) (_ *tousu.Staff, err error) {
	defer s.wrap(&err, "store.FindStaff(%q)", badge)
	if !s.storable(badge) {
		return nil, notFound("未找到该工作人员")
	}
	st, err := scanStaff(s.e.Read.QueryRow(ctx, `SELECT `+staffColumns+` FROM staff WHERE badge = ?`, badge))
	if noRows(err) {
		return nil, notFound("未找到该工作人员")
	}
	if err != nil {
		return nil, err
	}
	return &st, nil
}

// PutStaff inserts or updates a staff member by badge.
func (s *Store) PutStaff(ctx context.Context, st tousu.Staff) (err error) {
	defer s.wrap(&err, "store.PutStaff(%q)", st.Badge)
	return s.e.One(ctx, func(ctx context.Context, q Querier) error {
		_, err := q.Exec(ctx, `INSERT INTO staff (badge, name, unit, title, active) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (badge) DO UPDATE SET name = excluded.name, unit = excluded.unit,
				title = excluded.title, active = excluded.active`,
			st.Badge, st.Name, st.Unit, st.Title, st.Active)
		return err
	})
}

// ListCategories returns the category tree in depth-first order, siblings by sort then code.
func (s *Store) ListCategories(ctx context.Context) (_ []tousu.Category, err error) {
	defer s.wrap(&err, "store.ListCategories")
	rows, err := s.e.Read.Query(ctx, `SELECT code, name, parent, description, sort, active
		FROM categories ORDER BY sort, code`)
	cats, err := collect(rows, err, func(r Row) (c tousu.Category, err error) {
		err = r.Scan(&c.Code, &c.Name, &c.Parent, &c.Description, &c.Sort, &c.Active)
		return c, err
	})
	if err != nil {
		return nil, err
	}
	return tousu.TreeOrder(cats, func(c tousu.Category) (string, string) { return c.Code, c.Parent }), nil
}

// PutCategory inserts or updates a category by code.
func (s *Store) PutCategory(ctx context.Context, c tousu.Category) (err error) {
	defer s.wrap(&err, "store.PutCategory(%q)", c.Code)
	return s.e.One(ctx, func(ctx context.Context, q Querier) error {
		_, err := q.Exec(ctx, `INSERT INTO categories (code, name, parent, description, sort, active)
			VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (code) DO UPDATE SET name = excluded.name, parent = excluded.parent,
				description = excluded.description, sort = excluded.sort, active = excluded.active`,
			c.Code, c.Name, c.Parent, c.Description, c.Sort, c.Active)
		return err
	})
}

// ListCalendarOverrides returns every override, by date.
func (s *Store) ListCalendarOverrides(ctx context.Context) (_ []tousu.CalendarOverride, err error) {
	defer s.wrap(&err, "store.ListCalendarOverrides")
	rows, err := s.e.Read.Query(ctx, `SELECT date, workday, name FROM calendar_overrides ORDER BY date`)
	return collect(rows, err, func(r Row) (o tousu.CalendarOverride, err error) {
		var d string
		if err := r.Scan(&d, &o.Workday, &o.Name); err != nil {
			return o, err
		}
		o.Date, err = tousu.ParseDate(d)
		return o, err
	})
}

// PutCalendarOverride inserts or replaces the override of a date.
func (s *Store) PutCalendarOverride(ctx context.Context, o tousu.CalendarOverride) (err error) {
	defer s.wrap(&err, "store.PutCalendarOverride(%s)", o.Date)
	if o.Date.IsZero() {
		return &tousu.Error{Kind: tousu.KindInvalid, Message: "请填写日期", Fields: map[string]string{"date": "必填"}}
	}
	return s.e.One(ctx, func(ctx context.Context, q Querier) error {
		_, err := q.Exec(ctx, `INSERT INTO calendar_overrides (date, workday, name) VALUES (?, ?, ?)
			ON CONFLICT (date) DO UPDATE SET workday = excluded.workday, name = excluded.name`,
			o.Date.String(), o.Workday, o.Name)
		return err
	})
}

// DeleteCalendarOverride removes the override of a date; a date without one is not found.
func (s *Store) DeleteCalendarOverride(ctx context.Context, d tousu.Date) (err error) {
	defer s.wrap(&err, "store.DeleteCalendarOverride(%s)", d)
	return s.e.One(ctx, func(ctx context.Context, q Querier) error {
		n, err := q.Exec(ctx, `DELETE FROM calendar_overrides WHERE date = ?`, d.String())
		return affected(n, err, "该日期没有调整记录")
	})
}

// ListPolicies returns the deadline policies, by ID.
func (s *Store) ListPolicies(ctx context.Context) (_ []tousu.Policy, err error) {
	defer s.wrap(&err, "store.ListPolicies")
	rows, err := s.e.Read.Query(ctx, `SELECT id, name, kind, category, classification, days, unit,
		channel, org_unit FROM policies ORDER BY id`)
	return collect(rows, err, func(r Row) (p tousu.Policy, err error) {
		err = r.Scan(&p.ID, &p.Name, &p.Kind, &p.Category, &p.Classification, &p.Days, &p.Unit,
			&p.Channel, &p.OrgUnit)
		return p, err
	})
}

// PutPolicy inserts a policy when its ID is 0, setting the ID, or updates the policy with
// that ID, which must exist.
func (s *Store) PutPolicy(ctx context.Context, p *tousu.Policy) (err error) {
	defer s.wrap(&err, "store.PutPolicy(%d)", p.ID)
	var id int64
	err = s.e.One(ctx, func(ctx context.Context, q Querier) error {
		if p.ID == 0 {
			return q.QueryRow(ctx, `INSERT INTO policies (name, kind, category, classification, days, unit,
				channel, org_unit) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
				p.Name, p.Kind, p.Category, p.Classification, p.Days, p.Unit, p.Channel, p.OrgUnit).Scan(&id)
		}
		id = p.ID
		n, err := q.Exec(ctx, `UPDATE policies SET name = ?, kind = ?, category = ?, classification = ?,
			days = ?, unit = ?, channel = ?, org_unit = ? WHERE id = ?`,
			p.Name, p.Kind, p.Category, p.Classification, p.Days, p.Unit, p.Channel, p.OrgUnit, p.ID)
		return affected(n, err, "未找到该时限规则")
	})
	if err != nil {
		return err
	}
	p.ID = id
	return nil
}

// DeletePolicy removes a policy; a missing one is not found.
func (s *Store) DeletePolicy(ctx context.Context, id int64) (err error) {
	defer s.wrap(&err, "store.DeletePolicy(%d)", id)
	return s.e.One(ctx, func(ctx context.Context, q Querier) error {
		n, err := q.Exec(ctx, `DELETE FROM policies WHERE id = ?`, id)
		return affected(n, err, "未找到该时限规则")
	})
}
