#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Read the mails and patches that ./harness post-check checks.

  post-check-mail.py body MAIL              the decoded text of MAIL
  post-check-mail.py header MAIL NAME       the header NAME, unfolded
  post-check-mail.py addrs MAIL NAME...     the addresses of the headers
                                            NAME..., one a line, lower case
  post-check-mail.py subject PATCH...       the subject of each patch, one
                                            a line, without its [PATCH]
  post-check-mail.py missing MAIL HEADING PATCH...
                                            the subjects of the PATCHes that
                                            the section HEADING of MAIL does
                                            not name; exits with 3 when MAIL
                                            has no such section
  post-check-mail.py table MAIL HEADING     whether the section HEADING of
                                            MAIL has a table

A section is a line that is exactly HEADING, underlined by a line of "="
(the cover letter's style); it ends at the next such heading or at the
"---" line that ends the cover letter's own text.  "table" prints what
it found and exits with 0, or prints why not and exits with 1.  A table is
either a header row, a rule of at least two groups of dashes ("----
-----", "|---|---|", "+---+---+") and at least one row below it, or at
least three lines that start with "|".  A section that says TODO, TBD,
XXX or EDITME fails: a placeholder is no table.
"""

import email
import email.policy
import email.utils
import re
import sys


def read_mail(path):
    with open(path, 'rb') as f:
        return email.message_from_binary_file(f, policy=email.policy.compat32)


def unfold(value):
    return re.sub(r'\s*\n\s*', ' ', str(value or '')).strip()


def body(msg):
    payload = msg.get_payload(decode=True)
    if payload is None:
        return ''
    return payload.decode(msg.get_content_charset() or 'utf-8', errors='replace')


def subject(path):
    s = unfold(read_mail(path).get('Subject', ''))
    return re.sub(r'^(\[[^]]*\]\s*)+', '', s)


def words(text):
    return re.sub(r'\s+', ' ', text).strip()


def is_heading(lines, i):
    return (i + 1 < len(lines) and lines[i].strip() != '' and
            re.fullmatch(r'=+', lines[i + 1].strip() or 'x') is not None and
            len(lines[i + 1].strip()) >= 3)


def is_rule(line):
    s = line.strip()
    if not s or set(s) - set('-|+ '):
        return False
    return len(re.findall(r'-{2,}', s)) >= 2


def section(text, heading):
    """The lines of the section HEADING of text, or None."""
    lines = text.split('\n')
    start = None
    for i in range(len(lines)):
        if lines[i].rstrip() == '---':
            break
        if lines[i].strip() == heading and is_heading(lines, i):
            start = i + 2
            break
    if start is None:
        return None
    end = len(lines)
    for j in range(start, len(lines)):
        if lines[j].rstrip() == '---' or is_heading(lines, j):
            end = j
            break
    return lines[start:end]


def table(text, heading):
    sec = section(text, heading)
    if sec is None:
        return 1, 'no section "%s" (the line "%s", underlined with "=")' % (heading, heading)
    text = '\n'.join(sec)
    m = re.search(r'\b(TODO|TBD|XXX|EDITME)\b', text)
    if m:
        return 1, 'the section "%s" says %s: a placeholder, not a table' % (heading, m.group(1))
    for k, line in enumerate(sec):
        if not is_rule(line):
            continue
        above = k > 0 and sec[k - 1].strip() != ''
        below = k + 1 < len(sec) and sec[k + 1].strip() != '' and not is_rule(sec[k + 1])
        if above and below:
            rows = 0
            for line2 in sec[k + 1:]:
                if line2.strip() == '':
                    break
                rows += 1
            return 0, 'section "%s": a table of %d row(s) under its header' % (heading, rows)
    piped = [line for line in sec if line.lstrip().startswith('|')]
    if len(piped) >= 3:
        return 0, 'section "%s": a table of %d "|" lines' % (heading, len(piped))
    return 1, ('the section "%s" has no table (a header row, a rule of dashes with at '
               'least two columns, and a row below it)' % heading)


def main(argv):
    cmd = argv[1] if len(argv) > 1 else ''
    if cmd == 'body' and len(argv) == 3:
        sys.stdout.write(body(read_mail(argv[2])))
    elif cmd == 'header' and len(argv) == 4:
        print(unfold(read_mail(argv[2]).get(argv[3], '')))
    elif cmd == 'addrs' and len(argv) >= 4:
        msg = read_mail(argv[2])
        values = [unfold(v) for name in argv[3:] for v in msg.get_all(name, [])]
        for _, addr in email.utils.getaddresses(values):
            if addr:
                print(addr.lower())
    elif cmd == 'subject' and len(argv) >= 3:
        for p in argv[2:]:
            print(subject(p))
    elif cmd == 'missing' and len(argv) >= 5:
        sec = section(body(read_mail(argv[2])), argv[3])
        if sec is None:
            return 3
        text = words('\n'.join(sec))
        for p in argv[4:]:
            s = subject(p)
            if words(s) not in text:
                print(s)
    elif cmd == 'table' and len(argv) == 4:
        rc, what = table(body(read_mail(argv[2])), argv[3])
        print(what)
        return rc
    else:
        sys.stderr.write(__doc__)
        return 2
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
