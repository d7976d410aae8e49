# cython: language_level=3
"""yibao's compiled batch core: one JSON line in, one record per region out.

This module knows the shape of a scenario line and of a batch record, and nothing of
any rule: yibao (``yibao.steps.compiled``) hands it, through callbacks, what the
Python code decides once per person-year (the record's phase fields, the notices, the
cover window, which plans apply) and once per plan (each payer layer's steps in whole
fen). Per line it

1. scans the line strictly: the common shape only (plain strings without escapes,
   money as decimal text with at most two places, known claim fields); anything else,
   and every line it cannot vouch for, goes back to Python whole (``fallback``), which
   gives the same bytes or the line's ``bad_input`` record;
2. finds the person-year by the raw bytes of its facts, the birth date reduced to the
   age on 1 January as ``FastPath.phase_key`` reduces it;
3. settles each claim with the plan compiled for its circumstances, in int64 fen
   (products in 128 bits), rounding half up exactly as ``yibao.steps.fen.run``;
4. writes the record from pre-encoded fragments, byte for byte what msgspec writes
   for ``yibao.batch.records.Record``, and adds it to the region's summary.

A region that cannot settle a line here (a claim kind it leaves to Python, a plan that
does not compile, an invariant broken) has that region's record made by Python, in
its place in the output.
"""

from cpython.bytes cimport PyBytes_AS_STRING, PyBytes_FromStringAndSize, PyBytes_GET_SIZE
from cpython.buffer cimport PyBUF_READ
from cpython.mem cimport PyMem_Free, PyMem_Malloc, PyMem_Realloc
from cpython.memoryview cimport PyMemoryView_FromMemory
from cpython.ref cimport Py_DECREF, Py_INCREF, PyObject
from libc.stdint cimport int32_t, int64_t, uint64_t
from libc.string cimport memchr, memcmp, memcpy

cdef extern from *:
    """
    #include <stdint.h>
    #include <string.h>
    /* Products of an amount and a ratio's numerator need more than 64 bits: amounts
       reach 1e11 fen (1e9 yuan) a claim and running totals far more. With 128-bit
       integers they are exact; without, an overflow is detected and the line goes to
       Python (exact there). */
    #if defined(__SIZEOF_INT128__)
    typedef __int128 yb_wide;
    #define YB_WIDE_OK(a, b) 1
    #else
    typedef int64_t yb_wide;
    #define YB_WIDE_OK(a, b) ((b) == 0 || ((a) < 0 ? -(a) : (a)) <= (INT64_MAX / 4) / ((b) < 0 ? -(b) : (b)))
    #endif

    /* Python's floor division for a positive divisor. */
    static inline yb_wide yb_floordiv(yb_wide n, yb_wide d) {
        yb_wide q = n / d;
        if ((n % d != 0) && (n < 0)) q -= 1;
        return q;
    }

    /* amount x num/den rounded half up to the fen (yibao.steps.fen.times); 0 on overflow. */
    static inline int yb_times(int64_t amount, int64_t num, int64_t den, int64_t *out) {
        if (!YB_WIDE_OK(amount, num)) return 0;
        yb_wide r = yb_floordiv(2 * (yb_wide)amount * num + den, 2 * (yb_wide)den);
        if (r > INT64_MAX / 4 || r < -(INT64_MAX / 4)) return 0;
        *out = (int64_t)r;
        return 1;
    }

    /* The half-up rounding of banded total / den. */
    static inline int yb_round(yb_wide total, int64_t den, int64_t *out) {
        yb_wide r = yb_floordiv(2 * total + den, 2 * (yb_wide)den);
        if (r > INT64_MAX / 4 || r < -(INT64_MAX / 4)) return 0;
        *out = (int64_t)r;
        return 1;
    }

    /* The cost ``room`` fen of payment covers at num/den: room x den/num rounded half up
       (yibao.steps.fen.run, a payment limit passing cost on); 0 on overflow. */
    static inline int yb_cover(int64_t room, int64_t num, int64_t den, int64_t *out) {
        if (!YB_WIDE_OK(room, den)) return 0;
        yb_wide r = yb_floordiv(2 * (yb_wide)room * den + num, 2 * (yb_wide)num);
        if (r > INT64_MAX / 4 || r < -(INT64_MAX / 4)) return 0;
        *out = (int64_t)r;
        return 1;
    }

    static inline int yb_band(yb_wide *total, int64_t part, int64_t num) {
        if (!YB_WIDE_OK(part, num)) return 0;
        *total += (yb_wide)part * num;
        return 1;
    }

    /* Days since 0001-01-01 plus one, as datetime.date.toordinal(). */
    static inline int32_t yb_ordinal(int32_t y, int32_t m, int32_t d) {
        static const int32_t before[13] = {0, 0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334};
        int32_t leap = (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0));
        int32_t p = y - 1;
        return p * 365 + p / 4 - p / 100 + p / 400 + before[m] + (m > 2 ? leap : 0) + d;
    }

    /* 1,000,000,000.00 yuan in fen (yibao.money.MAX_AMOUNT). */
    #define YB_MAX_AMOUNT_FEN 100000000000LL

    /* What one payment may reach here (a program's results stay below INT64_MAX / 4). */
    #define YB_MAX_PAY (INT64_MAX / 4)

    static inline int yb_month_days(int32_t y, int32_t m) {
        static const int days[13] = {0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
        if (m == 2 && (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0))) return 29;
        return days[m];
    }
    """
    ctypedef long long yb_wide
    int yb_times(int64_t amount, int64_t num, int64_t den, int64_t *out) nogil
    int yb_round(yb_wide total, int64_t den, int64_t *out) nogil
    int yb_band(yb_wide *total, int64_t part, int64_t num) nogil
    int yb_cover(int64_t room, int64_t num, int64_t den, int64_t *out) nogil
    int32_t yb_ordinal(int32_t y, int32_t m, int32_t d) nogil
    int yb_month_days(int32_t y, int32_t m) nogil
    int64_t YB_MAX_AMOUNT_FEN
    int64_t YB_MAX_PAY

cdef enum:
    # Opcodes of a plan's program (yibao.steps.compiled.program writes them).
    OP_LIMIT_COST = 1   # ledger, cap
    OP_LIMIT_PAY = 2    # ledger, cap
    OP_DEDUCT = 3       # first, has_later, later, counter (-1: none)
    OP_RATIO = 4        # num, den
    OP_BANDS = 5        # running, den, n, then n x (above, has_upto, upto, num)
    OP_CAP = 6          # ledger, has_cap, cap
    OP_TOPUP = 7        # num, den
    OP_LIMIT_UNPAID = 8 # ledger, cap (a limit on cost counting what a layer paying nothing bears)
    OP_WINDOW = 9       # running, above, top, cap, num, den
    OP_LIMIT_COST_OVER = 10  # ledger, cap, counts_unpaid: a cost limit whose excess passes on
    OP_LIMIT_PAY_OVER = 11   # ledger, cap, num, den: a payment limit whose uncovered cost
                             # passes on (num/den: the rule's ratio; num 0: none)
    OP_SUBSIDY = 12     # den, n, then n x (above, has_upto, upto, num): a second payer on
                        # the part of the running total the last bands or window worked on
    MAX_LEDGER = 256    # ledger keys a run may name (more: those plans stay Python)
    MAX_LAST = 32       # payment limits and caps one layer applies at its end
    MAX_CLAIMS = 64     # claims of a line settled here (more: the line goes to Python)
    MAX_PAID = 64       # layer payments of one claim
    MAX_DEPTH = 8       # rules passing cost on to rules passing cost on
    MAX_LAYERS = 64     # distinct payer layers one record may name
    SUMS = 10           # counts and sums per region between flushes
    # A claim's status (STATUSES: what the record says)
    S_SETTLED = 0
    S_REFUSED = 1
    S_PENDING_REVIEW = 2
    S_NOT_PUBLISHED = 3
    S_NOT_COVERED = 4
    # Which of a claim's circumstances a kind's plans read (RegionPhase.reads)
    READ_LEVEL = 1
    READ_FACILITY = 2
    READ_DISEASES = 4
    # Which line part a top-level key names
    K_YEAR = 1
    K_PERSON = 2
    K_ENROLLMENT = 4
    K_EVENTS = 8
    K_CLAIMS = 16
    K_TITLE = 32
    K_ELSEWHERE = 64
    # Claim fields
    C_ID = 1
    C_DATE = 2
    C_KIND = 4
    C_COMPLIANT = 8
    C_LEVEL = 16
    C_FACILITY = 32
    C_TOTAL = 64
    C_ADMISSION = 128
    C_CARE = 256
    C_DISEASES = 512
    C_INJURY = 1024
    C_BLOOD = 2048


cdef inline int status_sum(int32_t status) noexcept nogil:
    """Where a region's sums count claims of ``status`` (``Core.sums``)."""
    if status == S_SETTLED:
        return 2
    if status == S_NOT_PUBLISHED:
        return 3
    if status == S_REFUSED:
        return 7
    if status == S_PENDING_REVIEW:
        return 8
    return 9  # S_NOT_COVERED


cdef struct ClaimIn:
    Py_ssize_t id_s
    Py_ssize_t id_n
    int32_t date
    int32_t year
    int32_t month
    int32_t day
    int32_t kind
    int32_t level
    int32_t care
    int32_t facility
    int64_t compliant
    Py_ssize_t comp_s
    Py_ssize_t comp_n
    int64_t total          # -1: none given
    Py_ssize_t tot_s
    Py_ssize_t tot_n
    int32_t admission      # 0: none given
    Py_ssize_t dis_s       # the diseases array's bytes (dis_n 0: none given)
    Py_ssize_t dis_n
    int32_t index          # position in the line
    int32_t injury         # an injury or poisoning (外伤、中毒): a circumstance plans read
    int64_t blood          # blood-use items (用血), fen (0: none)
    int32_t places         # decimal places of the bill compliant + blood (when no total)


cdef struct Buf:
    char *p
    Py_ssize_t n
    Py_ssize_t cap


cdef int buf_reserve(Buf *b, Py_ssize_t more) except -1:
    cdef Py_ssize_t want = b.n + more
    cdef Py_ssize_t cap
    cdef char *p
    if want <= b.cap:
        return 0
    cap = b.cap * 2 if b.cap else 1 << 16
    while cap < want:
        cap *= 2
    p = <char *> PyMem_Realloc(b.p, cap)
    if p == NULL:
        raise MemoryError()
    b.p = p
    b.cap = cap
    return 0


cdef inline int buf_put(Buf *b, const char *s, Py_ssize_t n) except -1:
    if b.n + n > b.cap:
        buf_reserve(b, n)
    memcpy(b.p + b.n, s, n)
    b.n += n
    return 0


cdef inline int buf_bytes(Buf *b, object data) except -1:
    return buf_put(b, PyBytes_AS_STRING(data), PyBytes_GET_SIZE(data))


cdef inline int buf_int(Buf *b, int64_t v) except -1:
    cdef char tmp[24]
    cdef int i = 24
    cdef bint neg = v < 0
    cdef uint64_t u
    if neg:
        u = <uint64_t>(-(v + 1)) + 1
    else:
        u = <uint64_t>v
    while True:
        i -= 1
        tmp[i] = <char>(48 + u % 10)
        u //= 10
        if u == 0:
            break
    if neg:
        i -= 1
        tmp[i] = b'-'
    return buf_put(b, tmp + i, 24 - i)


cdef inline int buf_amount(Buf *b, int64_t fen, int places) except -1:
    """Whole fen (≥ 0) as msgspec writes the Decimal of that many places: ``"1234.05"``
    (2: ``Decimal(fen).scaleb(-2)``), ``"1234.1"`` (1), ``"1234"`` (0; a sum of amounts
    written with no more places, whose dropped digits are zero)."""
    cdef char tmp[32]
    cdef int i = 32, k
    cdef int64_t v = fen
    for k in range(2 - places):
        v //= 10
    i -= 1
    tmp[i] = b'"'
    for k in range(places):
        i -= 1
        tmp[i] = <char>(48 + v % 10)
        v //= 10
    if places:
        i -= 1
        tmp[i] = b'.'
    while True:
        i -= 1
        tmp[i] = <char>(48 + v % 10)
        v //= 10
        if v == 0:
            break
    i -= 1
    tmp[i] = b'"'
    return buf_put(b, tmp + i, 32 - i)


cdef inline int buf_fen(Buf *b, int64_t fen) except -1:
    """Whole fen as msgspec writes ``Decimal(fen).scaleb(-2)``: ``"1234.05"``."""
    return buf_amount(b, fen, 2)


# -------------------------------------------------------------------------------------
# Scanning
# -------------------------------------------------------------------------------------


cdef inline Py_ssize_t ws(const unsigned char *s, Py_ssize_t i, Py_ssize_t n) noexcept nogil:
    while i < n and (s[i] == 32 or s[i] == 9 or s[i] == 13 or s[i] == 10):
        i += 1
    return i


cdef Py_ssize_t plain_string(const unsigned char *s, Py_ssize_t i, Py_ssize_t n,
                             Py_ssize_t *chars) noexcept nogil:
    """A string without escapes or control characters, in valid UTF-8, opening at
    ``s[i]``: the index after its closing quote (its code points in ``chars``), or -1."""
    cdef Py_ssize_t count = 0
    cdef unsigned char c, c1
    i += 1
    while i < n:
        c = s[i]
        if c == 34:  # "
            chars[0] = count
            return i + 1
        if c == 92 or c < 32:  # backslash, control
            return -1
        count += 1
        if c < 0x80:
            i += 1
        elif 0xC2 <= c <= 0xDF:
            if i + 1 >= n or (s[i + 1] & 0xC0) != 0x80:
                return -1
            i += 2
        elif 0xE0 <= c <= 0xEF:
            if i + 2 >= n:
                return -1
            c1 = s[i + 1]
            if (c1 & 0xC0) != 0x80 or (s[i + 2] & 0xC0) != 0x80:
                return -1
            if (c == 0xE0 and c1 < 0xA0) or (c == 0xED and c1 > 0x9F):
                return -1  # overlong, or a surrogate
            i += 3
        elif 0xF0 <= c <= 0xF4:
            if i + 3 >= n:
                return -1
            c1 = s[i + 1]
            if ((c1 & 0xC0) != 0x80 or (s[i + 2] & 0xC0) != 0x80
                    or (s[i + 3] & 0xC0) != 0x80):
                return -1
            if (c == 0xF0 and c1 < 0x90) or (c == 0xF4 and c1 > 0x8F):
                return -1
            i += 4
        else:
            return -1
    return -1


cdef Py_ssize_t skip_value(const unsigned char *s, Py_ssize_t i, Py_ssize_t n,
                           int depth) noexcept nogil:
    """The index after the JSON value at ``s[i]``, or -1. Lenient inside: it only finds
    the extent of a part whose bytes Python has decoded before (or will now)."""
    cdef unsigned char c, close
    if i >= n or depth > 64:
        return -1
    c = s[i]
    cdef const unsigned char *q
    cdef Py_ssize_t b
    if c == 34:
        i += 1
        while i < n:
            q = <const unsigned char *>memchr(s + i, 34, n - i)
            if q == NULL:
                return -1
            # an escaped quote has an odd run of backslashes before it
            b = q - s
            while b > i and s[b - 1] == 92:
                b -= 1
            if ((q - s) - b) % 2 == 0:
                return (q - s) + 1
            i = (q - s) + 1
        return -1
    if c == 123 or c == 91:  # { [
        close = 125 if c == 123 else 93
        i = ws(s, i + 1, n)
        if i < n and s[i] == close:
            return i + 1
        while True:
            if c == 123:
                if i >= n or s[i] != 34:
                    return -1
                i = skip_value(s, i, n, depth + 1)
                if i < 0:
                    return -1
                i = ws(s, i, n)
                if i >= n or s[i] != 58:  # :
                    return -1
                i = ws(s, i + 1, n)
            i = skip_value(s, i, n, depth + 1)
            if i < 0:
                return -1
            i = ws(s, i, n)
            if i >= n:
                return -1
            if s[i] == close:
                return i + 1
            if s[i] != 44:  # ,
                return -1
            i = ws(s, i + 1, n)
    # a number or a literal
    cdef Py_ssize_t start = i
    while i < n:
        c = s[i]
        if c == 44 or c == 125 or c == 93 or c == 32 or c == 9 or c == 13 or c == 10:
            break
        if c == 34 or c == 123 or c == 91 or c == 58:
            return -1
        i += 1
    return i if i > start else -1


cdef inline int digits(const unsigned char *s, Py_ssize_t i, int count) noexcept nogil:
    cdef int v = 0
    cdef int k
    for k in range(count):
        if s[i + k] < 48 or s[i + k] > 57:
            return -1
        v = v * 10 + (s[i + k] - 48)
    return v


cdef Py_ssize_t date_string(const unsigned char *s, Py_ssize_t i, Py_ssize_t n,
                            int32_t *y, int32_t *m, int32_t *d) noexcept nogil:
    """``"YYYY-MM-DD"`` at ``s[i]``, a real day: the index after it, or -1."""
    if i + 12 > n or s[i] != 34 or s[i + 11] != 34 or s[i + 5] != 45 or s[i + 8] != 45:
        return -1
    y[0] = digits(s, i + 1, 4)
    m[0] = digits(s, i + 6, 2)
    d[0] = digits(s, i + 9, 2)
    if y[0] < 1 or m[0] < 1 or m[0] > 12 or d[0] < 1 or d[0] > yb_month_days(y[0], m[0]):
        return -1
    return i + 12


cdef Py_ssize_t money_string(const unsigned char *s, Py_ssize_t i, Py_ssize_t n,
                             int64_t *fen) noexcept nogil:
    """An amount written as msgspec writes the Decimal it decodes to (digits without a
    leading zero, at most two places), within 1e9 yuan: the index after it, or -1."""
    cdef Py_ssize_t j = i + 1
    cdef int64_t whole = 0
    cdef int places = 0
    cdef int64_t frac = 0
    cdef Py_ssize_t start
    if i >= n or s[i] != 34:
        return -1
    start = j
    while j < n and 48 <= s[j] <= 57:
        if j - start >= 10:
            return -1
        whole = whole * 10 + (s[j] - 48)
        j += 1
    if j == start or (s[start] == 48 and j - start > 1):
        return -1
    if j < n and s[j] == 46:  # .
        j += 1
        while j < n and 48 <= s[j] <= 57:
            if places == 2:
                return -1
            frac = frac * 10 + (s[j] - 48)
            places += 1
            j += 1
        if places == 0:
            return -1
    if j >= n or s[j] != 34:
        return -1
    if places == 1:
        frac *= 10
    fen[0] = whole * 100 + frac
    if fen[0] > YB_MAX_AMOUNT_FEN:
        return -1
    return j + 1


cdef inline int places(const unsigned char *s, Py_ssize_t a, Py_ssize_t b) noexcept nogil:
    """The decimal places of the amount written at ``s[a:b]``."""
    cdef Py_ssize_t k
    for k in range(a, b):
        if s[k] == 46:
            return <int>(b - k - 1)
    return 0


cdef Py_ssize_t small_int(const unsigned char *s, Py_ssize_t i, Py_ssize_t n,
                          int32_t *v) noexcept nogil:
    """A JSON integer of at most four digits (no sign, no leading zero)."""
    cdef Py_ssize_t start = i
    cdef int32_t x = 0
    while i < n and 48 <= s[i] <= 57:
        if i - start >= 4:
            return -1
        x = x * 10 + (s[i] - 48)
        i += 1
    if i == start or (s[start] == 48 and i - start > 1):
        return -1
    if i < n and (s[i] == 46 or s[i] == 101 or s[i] == 69):  # a fraction or an exponent
        return -1
    v[0] = x
    return i


cdef inline bint key_is(const unsigned char *s, Py_ssize_t a, Py_ssize_t b,
                        const char *name, Py_ssize_t n) noexcept nogil:
    return b - a == n and memcmp(s + a, name, n) == 0


# -------------------------------------------------------------------------------------
# What Python decided: per person-year and region, per plan
# -------------------------------------------------------------------------------------


cdef inline uint64_t key_hash(const char *k, Py_ssize_t n) noexcept nogil:
    """A fast 64-bit hash of a memo key (eight bytes at a time)."""
    cdef uint64_t h = 0x9E3779B97F4A7C15ULL ^ <uint64_t>n
    cdef uint64_t w
    cdef Py_ssize_t i = 0
    while i + 8 <= n:
        memcpy(&w, k + i, 8)
        h = (h ^ w) * 0xBF58476D1CE4E5B9ULL
        h ^= h >> 31
        i += 8
    w = 0
    if i < n:
        memcpy(&w, k + i, n - i)
        h = (h ^ w) * 0x94D049BB133111EBULL
        h ^= h >> 29
    return h ^ (h >> 32)


cdef struct Slot:
    uint64_t hash
    Py_ssize_t key      # offset of the key in the arena (-1: empty)
    Py_ssize_t n
    PyObject *value


cdef class Memo:
    """Python objects by byte-string key, looked up without making a bytes object:
    open addressing, the keys kept in one arena. Starts afresh when ``limit`` keys are
    held (memory stays bounded)."""

    cdef Slot *slots
    cdef Py_ssize_t cap, count, limit
    cdef Buf arena

    def __cinit__(self, Py_ssize_t limit=65536):
        self.limit = limit
        self.cap = 0
        self.count = 0
        self.slots = NULL
        self.arena.p = NULL
        self.arena.n = 0
        self.arena.cap = 0
        self._alloc(1024)

    def __dealloc__(self):
        self._drop()
        PyMem_Free(self.slots)
        PyMem_Free(self.arena.p)

    def __len__(self):
        return self.count

    def clear(self):
        """Forget every key."""
        self._drop()
        self.arena.n = 0

    cdef void _drop(self) noexcept:
        cdef Py_ssize_t k
        for k in range(self.cap):
            if self.slots[k].key >= 0:
                Py_DECREF(<object>self.slots[k].value)
                self.slots[k].key = -1
        self.count = 0

    cdef int _alloc(self, Py_ssize_t cap) except -1:
        cdef Py_ssize_t k
        cdef Slot *slots = <Slot *> PyMem_Malloc(sizeof(Slot) * cap)
        if slots == NULL:
            raise MemoryError()
        for k in range(cap):
            slots[k].key = -1
        PyMem_Free(self.slots)
        self.slots = slots
        self.cap = cap
        return 0

    cdef PyObject *get(self, const char *key, Py_ssize_t n, uint64_t h) noexcept:
        cdef Py_ssize_t i = <Py_ssize_t>(h & <uint64_t>(self.cap - 1))
        cdef Slot *s
        while True:
            s = &self.slots[i]
            if s.key < 0:
                return NULL
            if s.hash == h and s.n == n and memcmp(self.arena.p + s.key, key, n) == 0:
                return s.value
            i = (i + 1) & (self.cap - 1)

    cdef int put(self, const char *key, Py_ssize_t n, uint64_t h, object value) except -1:
        """Remember ``value`` under ``key`` (not held yet)."""
        cdef Slot *old
        cdef Py_ssize_t oldcap, k, i
        if self.count >= self.limit:
            self.clear()
        if 2 * (self.count + 1) > self.cap:
            old = self.slots
            oldcap = self.cap
            self.slots = NULL
            self._alloc(self.cap * 2)
            for k in range(oldcap):
                if old[k].key >= 0:
                    i = <Py_ssize_t>(old[k].hash & <uint64_t>(self.cap - 1))
                    while self.slots[i].key >= 0:
                        i = (i + 1) & (self.cap - 1)
                    self.slots[i] = old[k]
            PyMem_Free(old)
        i = <Py_ssize_t>(h & <uint64_t>(self.cap - 1))
        while self.slots[i].key >= 0:
            i = (i + 1) & (self.cap - 1)
        self.slots[i].hash = h
        self.slots[i].key = self.arena.n
        self.slots[i].n = n
        buf_put(&self.arena, key, n)
        Py_INCREF(value)
        self.slots[i].value = <PyObject *>value
        self.count += 1
        return 0


OPCODES = {
    "limit_cost": OP_LIMIT_COST,
    "limit_payment": OP_LIMIT_PAY,
    "deductible": OP_DEDUCT,
    "ratio": OP_RATIO,
    "bands": OP_BANDS,
    "cap": OP_CAP,
    "top_up": OP_TOPUP,
    "limit_cost_unpaid": OP_LIMIT_UNPAID,
    "window": OP_WINDOW,
    "limit_cost_overflow": OP_LIMIT_COST_OVER,
    "limit_payment_overflow": OP_LIMIT_PAY_OVER,
    "subsidy": OP_SUBSIDY,
}
"""The program's opcodes, for the code that writes programs."""

STATUSES = ("settled", "refused", "pending_review", "not_published", "not_covered")
"""A claim's status by number: a gate gives any but the first (PlanEntry ``status``)."""
_STATUS_BYTES = [b'","status":"' + name.encode() + b'","bill":' for name in STATUSES]

READS = {"level": READ_LEVEL, "facility": READ_FACILITY, "diseases": READ_DISEASES}
"""The bits of RegionPhase's ``reads``, by circumstance."""

LIMITS = {"ledger_keys": MAX_LEDGER, "layers": MAX_LAYERS, "claims": MAX_CLAIMS,
          "payments": MAX_PAID, "deferred": MAX_LAST}
"""What one run holds; beyond it the line or plan stays with Python."""


cdef class RegionPhase:
    """What the phases decided for a person-year in one region."""

    cdef bytes fragment      # the record's fields after "line" (region … cover_from)
    cdef int32_t lo, hi      # claims dated in [lo, hi] are covered
    cdef int32_t plans       # the plan class
    cdef int32_t stack       # which stack (region and scheme) settles it
    cdef int64_t kinds       # the claim kinds settled here (bit mask of kind ids)
    cdef int64_t aged        # kinds whose plans read the age on the claim's date
    cdef int32_t wait[64]    # per kind: the day its waiting period ends (0: none)
    cdef int32_t reads[64]   # per kind: which circumstances plans read (READ_* bits)
    cdef int32_t nlead       # notices before the case's own (relocation), not deduplicated
    cdef int32_t nnotes      # the case's notices after the phases
    cdef int32_t *notes
    cdef bytes joined        # every notice above, encoded and joined with commas

    def __cinit__(self, bytes fragment, int lo, int hi, tuple lead, tuple notices, int plans,
                  int stack, int64_t kinds, int64_t aged=0, tuple waits=(), tuple reads=()):
        cdef Py_ssize_t k
        self.aged = aged
        for k in range(64):
            self.wait[k] = 0
            self.reads[k] = READ_LEVEL | READ_FACILITY | READ_DISEASES
        for kind, day in waits:
            self.wait[kind] = day
        for kind, read in reads:
            self.reads[kind] = read
        self.fragment = fragment
        self.lo = lo
        self.hi = hi
        self.plans = plans
        self.stack = stack
        self.kinds = kinds
        self.nlead = len(lead)
        self.nnotes = len(notices)
        self.notes = <int32_t *> PyMem_Malloc(sizeof(int32_t) * (self.nlead + self.nnotes + 1))
        if self.notes == NULL:
            raise MemoryError()
        for k in range(self.nlead):
            self.notes[k] = lead[k]
        for k in range(self.nnotes):
            self.notes[self.nlead + k] = notices[k]

    def __dealloc__(self):
        PyMem_Free(self.notes)


cdef class PlanEntry:
    """A claim's plans for some circumstances: the gate's notices, then per payer layer
    its flags, notices, program, the subsidy's layer and the rules it passes cost on to.

    Each rule is ``(layer, flags, notice when it pays, notices, program, subsidy layer,
    then-rules)``, the then-rules of the same shape; all are held as nodes, the first
    ``nrules`` the claim's own rules, the rules they pass cost on to after them."""

    cdef int32_t ngate
    cdef int32_t nrules      # the claim's own rules (nodes 0 .. nrules - 1)
    cdef int32_t nnodes
    cdef bint stops          # a rule may meet a value not published (flag 8)
    cdef int32_t status      # 0: settle by the rules; else the status the gate gives
    cdef int64_t blood_num   # the share of blood-use items the patient pays first
    cdef int64_t blood_den   # (blood_num -1: they stay outside the fund's scope)
    cdef int32_t *gate
    cdef int32_t *layer
    cdef int32_t *flags      # 1: on what remains; 2: out of scope (a zero payment); 4: pays;
                             # 8: a value not published (the claim stops there; its
                             # program: the gaps' numbers, whose dated notices it gives);
                             # 16: does not apply (its notices only: a rule passed cost
                             # takes none)
    cdef int32_t *nip        # the notice when it pays anything (-1: none)
    cdef int32_t *noff
    cdef int32_t *nlen
    cdef int32_t *poff
    cdef int32_t *plen
    cdef int32_t *sub        # the subsidy's layer (-1: no subsidy)
    cdef int32_t *toff       # its then-rules: node numbers at then[toff .. toff + tlen]
    cdef int32_t *tlen
    cdef int32_t *then
    cdef int32_t *notes
    cdef int64_t *prog

    def __cinit__(self, tuple gate, tuple rules, int status=0, tuple blood=(-1, 1)):
        cdef Py_ssize_t k, j, nn = 0, np = 0, nt = 0
        cdef tuple rule
        self.status = status
        self.blood_num, self.blood_den = blood
        nodes = list(rules)
        children = []
        k = 0
        while k < len(nodes):  # breadth first: each node's then-rules get numbers
            rule = nodes[k]
            children.append(tuple(range(len(nodes), len(nodes) + len(rule[6]))))
            nodes.extend(rule[6])
            k += 1
        self.ngate = len(gate)
        self.nrules = len(rules)
        self.nnodes = len(nodes)
        for rule in nodes:
            nn += len(rule[3])
            np += len(rule[4])
            nt += len(rule[6])
        self.gate = <int32_t *> PyMem_Malloc(sizeof(int32_t) * (self.ngate + 1))
        self.layer = <int32_t *> PyMem_Malloc(sizeof(int32_t) * (10 * self.nnodes + nt + 1))
        self.notes = <int32_t *> PyMem_Malloc(sizeof(int32_t) * (nn + 1))
        self.prog = <int64_t *> PyMem_Malloc(sizeof(int64_t) * (np + 1))
        if self.gate == NULL or self.layer == NULL or self.notes == NULL or self.prog == NULL:
            raise MemoryError()
        self.flags = self.layer + self.nnodes
        self.nip = self.flags + self.nnodes
        self.noff = self.nip + self.nnodes
        self.nlen = self.noff + self.nnodes
        self.poff = self.nlen + self.nnodes
        self.plen = self.poff + self.nnodes
        self.sub = self.plen + self.nnodes
        self.toff = self.sub + self.nnodes
        self.tlen = self.toff + self.nnodes
        self.then = self.tlen + self.nnodes
        for k in range(self.ngate):
            self.gate[k] = gate[k]
        nn = 0
        np = 0
        nt = 0
        for k in range(self.nnodes):
            rule = nodes[k]
            self.layer[k] = rule[0]
            self.flags[k] = rule[1]
            self.nip[k] = rule[2]
            self.noff[k] = nn
            self.nlen[k] = len(rule[3])
            for j in range(len(rule[3])):
                self.notes[nn] = rule[3][j]
                nn += 1
            self.poff[k] = np
            self.plen[k] = len(rule[4])
            for j in range(len(rule[4])):
                self.prog[np] = rule[4][j]
                np += 1
            self.sub[k] = rule[5]
            if rule[1] & 8:
                self.stops = True
            self.toff[k] = nt
            self.tlen[k] = len(children[k])
            for j in children[k]:
                self.then[nt] = j
                nt += 1

    def __dealloc__(self):
        PyMem_Free(self.gate)
        PyMem_Free(self.layer)
        PyMem_Free(self.notes)
        PyMem_Free(self.prog)


cdef class Ledger:
    """The year's running totals of one case (by ledger id), the caps in the order
    the limits were met, and the notices of the answer."""

    cdef int64_t amounts[MAX_LEDGER]
    cdef bint used[MAX_LEDGER]
    cdef int32_t touched[MAX_LEDGER]
    cdef int32_t ntouched
    cdef int32_t capkey[MAX_LEDGER]
    cdef int64_t capval[MAX_LEDGER]
    cdef int32_t ncaps

    cdef inline void reset(self) noexcept nogil:
        cdef int32_t k
        for k in range(self.ntouched):
            self.amounts[self.touched[k]] = 0
            self.used[self.touched[k]] = False
        self.ntouched = 0
        self.ncaps = 0

    cdef inline int64_t get(self, int32_t key) noexcept nogil:
        return self.amounts[key]

    cdef inline void put(self, int32_t key, int64_t value) noexcept nogil:
        if not self.used[key]:
            self.used[key] = True
            self.touched[self.ntouched] = key
            self.ntouched += 1
        self.amounts[key] = value

    cdef inline void cap(self, int32_t key, int64_t value) noexcept nogil:
        cdef int32_t k
        for k in range(self.ncaps):
            if self.capkey[k] == key:
                self.capval[k] = value
                return
        self.capkey[self.ncaps] = key
        self.capval[self.ncaps] = value
        self.ncaps += 1


cdef int64_t banded(const int64_t *prog, int32_t nb, int64_t low, int64_t high,
                    int64_t den, int64_t *out) noexcept:
    """The banded payment on the part ``low``-``high`` of a running total, rounded once
    (yibao.steps.fen.banded); the bands at ``prog`` as (above, has_upto, upto, num).
    0: an amount beyond int64."""
    cdef yb_wide total = 0
    cdef int64_t top, bottom
    cdef int32_t b
    for b in range(nb):
        top = high
        if prog[1] and prog[2] < top:
            top = prog[2]
        bottom = low if low > prog[0] else prog[0]
        if top > bottom:
            if not yb_band(&total, top - bottom, prog[3]):
                return 0
        prog += 4
    return yb_round(total, den, out)


cdef int run_program(const int64_t *prog, Py_ssize_t plen, bint pays, int64_t amount,
                     int32_t admission, Ledger led, int64_t *out) noexcept:
    """Run one layer's program on ``amount`` fen (yibao.steps.fen.run, step for step):
    in ``out`` the payment, the subsidy's payment and the cost a limit passes on (-1:
    none, as fen.run's trace gives ``None``). 0: an amount beyond int64 (the line goes to
    Python)."""
    cdef int64_t counted = amount, deducted = 0, pay = 0, room, d, number, before
    cdef int64_t low = 0, high = 0, top, bottom, cap, covered
    cdef int64_t subsidy = -1, overflow = 0
    cdef bint has_pay = False, has_overflow = False
    cdef int32_t nlast = 0, key, nb, b
    cdef int32_t lastkey[MAX_LAST]
    cdef int64_t lastcap[MAX_LAST]
    cdef bint lasthas[MAX_LAST]
    cdef int64_t lastnum[MAX_LAST]   # a payment limit passing cost on: the ratio (num 0: not)
    cdef int64_t lastden[MAX_LAST]
    cdef Py_ssize_t i = 0
    cdef int64_t op
    while i < plen:
        op = prog[i]
        if op == OP_LIMIT_COST or op == OP_LIMIT_UNPAID or op == OP_LIMIT_COST_OVER:
            key = <int32_t>prog[i + 1]
            cap = prog[i + 2]
            led.cap(key, cap)
            room = cap - led.get(key)
            if room < 0:
                room = 0
            d = counted
            if pays or op == OP_LIMIT_UNPAID or (op == OP_LIMIT_COST_OVER and prog[i + 3]):
                if room < counted:
                    counted = room
            else:
                counted = 0
            led.put(key, led.get(key) + counted)
            if op == OP_LIMIT_COST_OVER:
                if counted < d:
                    overflow += d - counted
                    has_overflow = True
                i += 4
            else:
                i += 3
        elif op == OP_LIMIT_PAY or op == OP_CAP or op == OP_LIMIT_PAY_OVER:
            if nlast == MAX_LAST:
                return 0
            lastkey[nlast] = <int32_t>prog[i + 1]
            lastnum[nlast] = 0
            lastden[nlast] = 1
            if op == OP_LIMIT_PAY:
                lasthas[nlast] = True
                lastcap[nlast] = prog[i + 2]
                i += 3
            elif op == OP_LIMIT_PAY_OVER:
                lasthas[nlast] = True
                lastcap[nlast] = prog[i + 2]
                lastnum[nlast] = prog[i + 3]
                lastden[nlast] = prog[i + 4]
                i += 5
            else:
                lasthas[nlast] = prog[i + 2] != 0
                lastcap[nlast] = prog[i + 3]
                i += 4
            nlast += 1
        elif op == OP_DEDUCT:
            d = prog[i + 1]
            key = <int32_t>prog[i + 4]
            if key >= 0:
                number = led.get(key) + 1
                led.put(key, number)
                if admission > 0:
                    number = admission
                if prog[i + 2] and number > 1:
                    d = prog[i + 3]
            deducted = d if d < counted else counted
            i += 5
        elif op == OP_RATIO:
            if not yb_times(counted - deducted, prog[i + 1], prog[i + 2], &pay):
                return 0
            has_pay = True
            i += 3
        elif op == OP_BANDS:
            key = <int32_t>prog[i + 1]
            nb = <int32_t>prog[i + 3]
            before = led.get(key)
            led.put(key, before + counted)
            low = before + deducted
            high = before + counted
            if not banded(prog + i + 4, nb, low, high, prog[i + 2], &pay):
                return 0
            has_pay = True
            i += 4 + 4 * nb
        elif op == OP_WINDOW:
            # the part of the running total between a yearly deductible and a limit
            key = <int32_t>prog[i + 1]
            before = led.get(key)
            led.cap(key, prog[i + 4])
            led.put(key, before + counted)
            low = before
            high = before + counted
            top = high
            if prog[i + 3] < top:
                top = prog[i + 3]
            bottom = before if before > prog[i + 2] else prog[i + 2]
            if top < bottom:
                top = bottom
            if not yb_times(top - bottom, prog[i + 5], prog[i + 6], &pay):
                return 0
            has_pay = True
            i += 7
        elif op == OP_TOPUP:
            if pays and has_pay:
                if not yb_times(counted, prog[i + 1], prog[i + 2], &d):
                    return 0
                if d > pay:
                    pay = d
            i += 3
        elif op == OP_SUBSIDY:
            # on the part the last bands or window worked on (fen.run's low and high)
            nb = <int32_t>prog[i + 2]
            if not banded(prog + i + 3, nb, low, high, prog[i + 1], &subsidy):
                return 0
            i += 3 + 4 * nb
        else:
            return 0
    if not has_pay:
        pay = 0
    for b in range(nlast):
        key = lastkey[b]
        if lasthas[b]:
            led.cap(key, lastcap[b])
            room = lastcap[b] - led.get(key)
            if room < 0:
                room = 0
            if room < pay:
                if lastnum[b]:  # the cost the room covers: room / ratio, to the fen
                    if not yb_cover(room, lastnum[b], lastden[b], &covered):
                        return 0
                    if covered > counted - deducted:
                        covered = counted - deducted
                    overflow += counted - deducted - covered
                    has_overflow = True
                pay = room
        led.put(key, led.get(key) + pay)
    out[0] = pay
    out[1] = subsidy
    out[2] = overflow if has_overflow else -1
    return 1


def execute(tuple program, bint pays, dict ledger, int64_t amount, int admission=0):
    """Run one layer's program (for tests): ``(payment, ledger, caps, subsidy, overflow)``,
    the ledger and the caps as ``{ledger id: fen}`` (caps in the order met), the subsidy's
    payment and the cost passed on ``None`` when there are none; ``None`` on overflow."""
    cdef Ledger led = Ledger()
    cdef int64_t *prog = <int64_t *> PyMem_Malloc(sizeof(int64_t) * (len(program) + 1))
    cdef int64_t out[3]
    cdef Py_ssize_t k
    cdef int ok
    if prog == NULL:
        raise MemoryError()
    try:
        for k in range(len(program)):
            prog[k] = program[k]
        for key, value in ledger.items():
            led.put(key, value)
        ok = run_program(prog, len(program), pays, amount, admission, led, out)
    finally:
        PyMem_Free(prog)
    if not ok:
        return None
    amounts = {led.touched[k]: led.amounts[led.touched[k]] for k in range(led.ntouched)}
    caps = {led.capkey[k]: led.capval[k] for k in range(led.ncaps)}
    return (out[0], amounts, caps, out[1] if out[1] >= 0 else None,
            out[2] if out[2] >= 0 else None)


# -------------------------------------------------------------------------------------
# The core
# -------------------------------------------------------------------------------------


cdef class Core:
    """Settle blocks of JSON lines for ``regions`` regions (see the module's doc).

    :param kinds, cares, facilities: The claim vocabularies, as in yibao.model (their
        positions are the ids the callbacks receive).
    :param defaults: ``(level, care id, facility id)`` of a claim that states none.
    :param segments: Per stack, the sorted day ordinals where parameter validity
        changes (``ParameterSet.segment_bounds``; Python appends a stack's when it
        first hands out a person-year of it).
    :param birthday_ages: Ages at which the birth date stays in the person-year key
        (more may be added with :meth:`keep_birth_date`).
    :param layers, notices, ledgers: Pre-encoded JSON strings by id (Python appends).
    :param institution: The layer id whose payment raises the ceiling (-1: none yet).
    :param phase: ``phase(line, number)`` → ``(per-region RegionPhase args or None,
        remember)``, or ``None`` when the line is not a valid scenario.
    :param plan: ``plan(region, line, number, claim index)`` → ``(gate, rules)``,
        ``None`` (Python settles these circumstances) or ``False`` (this line only).
    :param fallback: ``fallback(line, number, region)`` → the encoded records of that
        region (-1: of every region, the line's own summary counted).
    :param flush: ``flush(lines, per-region sums)`` adds what was settled here to the
        block's summary, in order.
    """

    cdef int nregions
    cdef list kinds, cares, facilities
    cdef int32_t default_level, default_care, default_facility
    cdef list segments
    cdef unsigned char ages[256]
    cdef bint young_always      # the birth date stays in the key under 3 (a stack said no window)
    cdef int32_t newborn_days   # else: within this many days after birth of a payment (-1: none)
    cdef public list layers, notices, ledgers
    cdef public int institution
    cdef object phase_cb, plan_cb, fallback_cb, flush_cb, dated_cb
    cdef public Memo phases, plans, dated
    cdef list bounds            # per stack: its segment bounds as an int32 array (bytes)
    cdef Py_ssize_t memo_size
    cdef public int64_t compiled
    cdef bytes raw
    # per line
    cdef ClaimIn claims[MAX_CLAIMS]
    cdef int32_t order[MAX_CLAIMS]
    cdef int32_t nclaims
    cdef int32_t year, birth
    cdef int32_t by, bm, bd      # the birth date's parts (set with the person-year key)
    cdef Py_ssize_t person_s, person_e, bd_s, enr_s, enr_e, ev_s, ev_e, el_s, el_e
    cdef Buf key
    cdef Buf out
    cdef Ledger led
    cdef int32_t *notes
    cdef Py_ssize_t nnotes_cap
    cdef int32_t paid_layer[MAX_CLAIMS * MAX_PAID]
    cdef int64_t paid_fen[MAX_CLAIMS * MAX_PAID]
    cdef int32_t npaid[MAX_CLAIMS]
    cdef int32_t status[MAX_CLAIMS]     # each claim's status (STATUSES)
    # the summary not yet flushed, per region
    cdef int64_t lines
    cdef int64_t *sums           # per region (SUMS): cases, eligible, settled, not published,
                                 # bill, patient, nlayers, refused, pending review, not covered
    cdef int32_t *sum_layer      # per region: MAX_LAYERS layer ids, first seen first
    cdef int64_t *sum_fen
    cdef bint pending

    def __cinit__(self):
        self.key.p = NULL
        self.out.p = NULL
        self.notes = NULL
        self.sums = NULL
        self.sum_layer = NULL
        self.sum_fen = NULL

    def __init__(self, *, int regions, list kinds, list cares, list facilities, tuple defaults,
                 list segments, birthday_ages, list layers, list notices,
                 list ledgers, phase, plan, fallback, flush, dated=None,
                 Py_ssize_t memo_size=65536):
        cdef int k
        self.nregions = regions
        self.kinds = [k_.encode() for k_ in kinds]
        self.cares = [c_.encode() for c_ in cares]
        self.facilities = [f_.encode() for f_ in facilities]
        self.default_level, self.default_care, self.default_facility = defaults
        self.segments = segments
        for k in range(256):
            self.ages[k] = 0
        for age in birthday_ages:
            if 0 <= age < 256:
                self.ages[age] = 1
        self.young_always = False
        self.newborn_days = -1
        self.layers = layers
        self.notices = notices
        self.ledgers = ledgers
        self.institution = -1
        self.phase_cb = phase
        self.plan_cb = plan
        self.fallback_cb = fallback
        self.flush_cb = flush
        self.dated_cb = dated
        self.phases = Memo(memo_size)
        self.plans = Memo(memo_size)
        self.dated = Memo(memo_size)
        self.bounds = []
        self.memo_size = memo_size
        self.led = Ledger()
        self.nnotes_cap = 256
        self.notes = <int32_t *> PyMem_Malloc(sizeof(int32_t) * self.nnotes_cap)
        self.sums = <int64_t *> PyMem_Malloc(sizeof(int64_t) * SUMS * regions)
        self.sum_layer = <int32_t *> PyMem_Malloc(sizeof(int32_t) * MAX_LAYERS * regions)
        self.sum_fen = <int64_t *> PyMem_Malloc(sizeof(int64_t) * MAX_LAYERS * regions)
        if self.notes == NULL or self.sums == NULL or self.sum_layer == NULL or self.sum_fen == NULL:
            raise MemoryError()
        self._clear_sums()

    def __dealloc__(self):
        PyMem_Free(self.key.p)
        PyMem_Free(self.out.p)
        PyMem_Free(self.notes)
        PyMem_Free(self.sums)
        PyMem_Free(self.sum_layer)
        PyMem_Free(self.sum_fen)

    def keep_birth_date(self, ages) -> bool:
        """Keep the birth date in the key at ``ages`` too; whether that changed
        anything (an entry made under the old key must then not be remembered)."""
        changed = False
        for age in ages:
            if 0 <= age < 256 and not self.ages[age]:
                self.ages[age] = 1
                changed = True
        return changed

    def keep_newborn_birth_date(self, days) -> bool:
        """Keep the birth date in the key for a newborn of a stack whose newborn window is
        ``days`` long (``None``: for everyone under 3); whether that changed anything."""
        if days is None:
            changed = not self.young_always
            self.young_always = True
            return changed
        if days > self.newborn_days:
            self.newborn_days = days
            return True
        return False

    cdef void _clear_sums(self) noexcept:
        cdef int k
        for k in range(SUMS * self.nregions):
            self.sums[k] = 0
        self.lines = 0
        self.pending = False

    # ---------------------------------------------------------------------------------

    def process(self, bytes data, int64_t first_line, write=None):
        """The records of every line of ``data`` (whole lines; the first is line
        ``first_line``), the block's summary added through ``flush``. With ``write``, the
        records are handed to it as a view of the core's own buffer (released when it
        returns: no copy) and ``None`` is returned."""
        cdef const unsigned char *s = <const unsigned char *> PyBytes_AS_STRING(data)
        cdef Py_ssize_t n = PyBytes_GET_SIZE(data)
        cdef Py_ssize_t pos = 0, end, a, b
        cdef int64_t number = first_line - 1
        cdef const void *found
        self.out.n = 0
        while True:
            found = memchr(s + pos, 10, n - pos)
            end = (<const unsigned char *>found - s) if found != NULL else n
            number += 1
            # bytes.strip()'s whitespace: a blank line is skipped, not counted
            a = pos
            b = end
            while a < b and (s[a] == 32 or 9 <= s[a] <= 13):
                a += 1
            if a < b:
                self.lines += 1
                self.pending = True
                self._line(data, s + pos, end - pos, number)
            if found == NULL:
                break
            pos = end + 1
        self._flush()
        if write is None:
            return PyBytes_FromStringAndSize(self.out.p, self.out.n)
        if self.out.n == 0:  # the buffer may never have been allocated
            write(memoryview(b""))
            return None
        view = PyMemoryView_FromMemory(self.out.p, self.out.n, PyBUF_READ)
        try:
            write(view)
        finally:
            view.release()
        return None

    cdef int _flush(self) except -1:
        cdef int r, k
        cdef list per = []
        cdef int64_t *m
        if not self.pending:
            return 0
        for r in range(self.nregions):
            m = self.sums + SUMS * r
            if m[0] == 0:
                per.append(None)
                continue
            layers = tuple(
                (self.sum_layer[MAX_LAYERS * r + k], self.sum_fen[MAX_LAYERS * r + k])
                for k in range(m[6])
            )
            per.append((m[0], m[1], m[2], m[3], m[4], m[5], layers, m[7], m[8], m[9]))
        self.flush_cb(self.lines, per)
        self._clear_sums()
        return 0

    cdef int _fallback(self, bytes raw, int64_t number, int region) except -1:
        self._flush()
        buf_bytes(&self.out, self.fallback_cb(raw, number, region))
        return 0

    cdef object _region_phase(self, tuple args):
        """What Python decided for one region, with its notices pre-encoded."""
        cdef RegionPhase rp
        cdef int32_t k
        if args is None:
            return None
        rp = RegionPhase(*args)
        rp.joined = b",".join([<bytes>self.notices[rp.notes[k]]
                               for k in range(rp.nlead + rp.nnotes)])
        return rp

    cdef bytes _raw(self, const unsigned char *s, Py_ssize_t n):
        """The line's bytes as a Python object (made once, when Python needs them)."""
        if self.raw is None:
            self.raw = PyBytes_FromStringAndSize(<const char *>s, n)
        return self.raw

    cdef int _line(self, bytes data, const unsigned char *s, Py_ssize_t n,
                   int64_t number) except -1:
        cdef object entry
        cdef PyObject *found
        cdef uint64_t h
        cdef RegionPhase rp
        cdef int r, ok
        cdef Py_ssize_t before
        self.raw = None
        if not self._scan(s, n):
            return self._fallback(self._raw(s, n), number, -1)
        self._phase_key(s)
        h = key_hash(self.key.p, self.key.n)
        found = self.phases.get(self.key.p, self.key.n, h)
        if found != NULL:
            entry = <object>found
        else:
            answer = self.phase_cb(self._raw(s, n), number)
            if answer is None:
                return self._fallback(self._raw(s, n), number, -1)
            per, remember = answer
            entry = tuple(self._region_phase(args) for args in per)
            if remember:
                self._phase_key(s)  # the key again: the callback may keep more birth dates
                self.phases.put(self.key.p, self.key.n, key_hash(self.key.p, self.key.n), entry)
        for r in range(self.nregions):
            item = (<tuple>entry)[r]
            ok = 0
            if item is not None:
                rp = <RegionPhase>item
                before = self.out.n
                ok = self._settle(r, rp, s, n, number)
                if ok == 1:
                    self.compiled += 1
                else:
                    self.out.n = before
            if ok != 1:
                self._fallback(self._raw(s, n), number, r)
        return 0

    # ---------------------------------------------------------------------------------

    cdef bint _scan(self, const unsigned char *s, Py_ssize_t n) except -1:
        """Scan a line of the common shape into this object's fields; False: Python."""
        cdef Py_ssize_t i, ks, ke, chars
        cdef int seen = 0, part
        cdef int32_t y, m, d, v
        self.nclaims = 0
        self.person_s = self.enr_s = self.ev_s = self.el_s = 0
        self.person_e = self.enr_e = self.ev_e = self.el_e = 0
        self.bd_s = -1
        i = ws(s, 0, n)
        if i >= n or s[i] != 123:
            return False
        i = ws(s, i + 1, n)
        if i < n and s[i] == 125:
            return False  # no year, no person
        while True:
            if i >= n or s[i] != 34:
                return False
            ks = i + 1
            i = plain_string(s, i, n, &chars)
            if i < 0:
                return False
            ke = i - 1
            i = ws(s, i, n)
            if i >= n or s[i] != 58:
                return False
            i = ws(s, i + 1, n)
            if key_is(s, ks, ke, b"year", 4):
                part = K_YEAR
                i = small_int(s, i, n, &v)
                if i < 0 or v < 1949 or v > 2100:
                    return False
                self.year = v
            elif key_is(s, ks, ke, b"person", 6):
                part = K_PERSON
                i = self._person(s, i, n)
            elif key_is(s, ks, ke, b"enrollment", 10):
                part = K_ENROLLMENT
                self.enr_s = i
                i = skip_value(s, i, n, 0)
                self.enr_e = i
            elif key_is(s, ks, ke, b"events", 6):
                part = K_EVENTS
                self.ev_s = i
                i = skip_value(s, i, n, 0)
                self.ev_e = i
            elif key_is(s, ks, ke, b"elsewhere", 9):
                part = K_ELSEWHERE
                self.el_s = i
                i = skip_value(s, i, n, 0)
                self.el_e = i
            elif key_is(s, ks, ke, b"claims", 6):
                part = K_CLAIMS
                i = self._claims(s, i, n)
            elif key_is(s, ks, ke, b"title", 5):
                part = K_TITLE
                if i + 4 <= n and memcmp(s + i, b"null", 4) == 0:
                    i += 4
                elif i < n and s[i] == 34:
                    i = plain_string(s, i, n, &chars)
                    if chars > 1000:
                        return False
                else:
                    return False
            else:
                return False
            if i < 0 or seen & part:
                return False
            seen |= part
            i = ws(s, i, n)
            if i >= n:
                return False
            if s[i] == 125:
                break
            if s[i] != 44:
                return False
            i = ws(s, i + 1, n)
        if ws(s, i + 1, n) != n or not (seen & K_YEAR) or not (seen & K_PERSON):
            return False
        return self._check_claims(s)

    cdef Py_ssize_t _person(self, const unsigned char *s, Py_ssize_t i, Py_ssize_t n) except -2:
        """The person object's extent and its birth date (``bd_s``)."""
        cdef Py_ssize_t ks, ke, chars, j
        cdef int32_t y, m, d
        if i >= n or s[i] != 123:
            return -1
        self.person_s = i
        i = ws(s, i + 1, n)
        if i < n and s[i] == 125:
            return -1
        while True:
            if i >= n or s[i] != 34:
                return -1
            ks = i + 1
            j = skip_value(s, i, n, 1)
            if j < 0:
                return -1
            ke = j - 1
            i = ws(s, j, n)
            if i >= n or s[i] != 58:
                return -1
            i = ws(s, i + 1, n)
            if key_is(s, ks, ke, b"birth_date", 10):
                if self.bd_s >= 0:
                    return -1
                j = date_string(s, i, n, &y, &m, &d)
                if j < 0:
                    return -1
                self.bd_s = i + 1
                self.birth = yb_ordinal(y, m, d)
                i = j
            else:
                i = skip_value(s, i, n, 1)
                if i < 0:
                    return -1
            i = ws(s, i, n)
            if i >= n:
                return -1
            if s[i] == 125:
                self.person_e = i + 1
                return i + 1
            if s[i] != 44:
                return -1
            i = ws(s, i + 1, n)

    cdef Py_ssize_t _claims(self, const unsigned char *s, Py_ssize_t i, Py_ssize_t n) except -2:
        if i >= n or s[i] != 91:
            return -1
        i = ws(s, i + 1, n)
        if i < n and s[i] == 93:
            return i + 1
        while True:
            if self.nclaims == MAX_CLAIMS:
                return -1
            i = self._claim(s, i, n, &self.claims[self.nclaims])
            if i < 0:
                return -1
            self.nclaims += 1
            i = ws(s, i, n)
            if i >= n:
                return -1
            if s[i] == 93:
                return i + 1
            if s[i] != 44:
                return -1
            i = ws(s, i + 1, n)

    cdef int32_t _word(self, list words, const unsigned char *s, Py_ssize_t a,
                       Py_ssize_t b) except -2:
        cdef Py_ssize_t k
        cdef bytes w
        for k in range(len(words)):
            w = <bytes>words[k]
            if PyBytes_GET_SIZE(w) == b - a and memcmp(PyBytes_AS_STRING(w), s + a, b - a) == 0:
                return <int32_t>k
        return -1

    cdef Py_ssize_t _claim(self, const unsigned char *s, Py_ssize_t i, Py_ssize_t n,
                           ClaimIn *c) except -2:
        cdef Py_ssize_t ks, ke, chars, j, count
        cdef int seen = 0, field
        cdef int32_t y, m, d, v
        if i >= n or s[i] != 123:
            return -1
        c.level = self.default_level
        c.care = self.default_care
        c.facility = self.default_facility
        c.total = -1
        c.tot_n = 0
        c.admission = 0
        c.dis_n = 0
        c.injury = 0
        c.blood = 0
        c.index = self.nclaims
        i = ws(s, i + 1, n)
        if i < n and s[i] == 125:
            return -1
        while True:
            if i >= n or s[i] != 34:
                return -1
            ks = i + 1
            i = plain_string(s, i, n, &chars)
            if i < 0:
                return -1
            ke = i - 1
            i = ws(s, i, n)
            if i >= n or s[i] != 58:
                return -1
            i = ws(s, i + 1, n)
            if key_is(s, ks, ke, b"id", 2):
                field = C_ID
                if i >= n or s[i] != 34:
                    return -1
                c.id_s = i + 1
                j = plain_string(s, i, n, &chars)
                if j < 0 or chars < 1 or chars > 200:
                    return -1
                c.id_n = j - 1 - c.id_s
                i = j
            elif key_is(s, ks, ke, b"date", 4):
                field = C_DATE
                i = date_string(s, i, n, &y, &m, &d)
                if i < 0:
                    return -1
                c.date = yb_ordinal(y, m, d)
                c.year = y  # checked against the scenario's year once both are read
                c.month = m
                c.day = d
            elif key_is(s, ks, ke, b"kind", 4):
                field = C_KIND
                j = plain_string(s, i, n, &chars)
                if j < 0:
                    return -1
                c.kind = self._word(self.kinds, s, i + 1, j - 1)
                if c.kind < 0:
                    return -1
                i = j
            elif key_is(s, ks, ke, b"compliant", 9):
                field = C_COMPLIANT
                c.comp_s = i + 1
                i = money_string(s, i, n, &c.compliant)
                if i < 0:
                    return -1
                c.comp_n = i - 1 - c.comp_s
            elif key_is(s, ks, ke, b"level", 5):
                field = C_LEVEL
                i = small_int(s, i, n, &v)
                if i < 0 or v < 1 or v > 3:
                    return -1
                c.level = v
            elif key_is(s, ks, ke, b"facility", 8):
                field = C_FACILITY
                j = plain_string(s, i, n, &chars)
                if j < 0:
                    return -1
                c.facility = self._word(self.facilities, s, i + 1, j - 1)
                if c.facility < 0:
                    return -1
                i = j
            elif key_is(s, ks, ke, b"care", 4):
                field = C_CARE
                j = plain_string(s, i, n, &chars)
                if j < 0:
                    return -1
                c.care = self._word(self.cares, s, i + 1, j - 1)
                if c.care < 0:
                    return -1
                i = j
            elif key_is(s, ks, ke, b"total", 5):
                field = C_TOTAL
                c.tot_s = i + 1
                i = money_string(s, i, n, &c.total)
                if i < 0:
                    return -1
                c.tot_n = i - 1 - c.tot_s
            elif key_is(s, ks, ke, b"admission", 9):
                field = C_ADMISSION
                i = small_int(s, i, n, &v)
                if i < 0 or v < 1 or v > 366:
                    return -1
                c.admission = v
            elif key_is(s, ks, ke, b"diseases", 8):
                field = C_DISEASES
                if i >= n or s[i] != 91:
                    return -1
                c.dis_s = i
                i = ws(s, i + 1, n)
                count = 0
                if i < n and s[i] == 93:
                    i += 1
                else:
                    while True:
                        if i >= n or s[i] != 34:
                            return -1
                        i = plain_string(s, i, n, &chars)
                        if i < 0 or chars < 1 or chars > 200:
                            return -1
                        count += 1
                        if count > 1000:
                            return -1
                        i = ws(s, i, n)
                        if i >= n:
                            return -1
                        if s[i] == 93:
                            i += 1
                            break
                        if s[i] != 44:
                            return -1
                        i = ws(s, i + 1, n)
                c.dis_n = i - c.dis_s
            elif key_is(s, ks, ke, b"blood", 5):
                field = C_BLOOD
                j = money_string(s, i, n, &c.blood)
                if j < 0:
                    return -1
                c.places = places(s, i + 1, j - 1)
                i = j
            elif key_is(s, ks, ke, b"injury", 6):
                field = C_INJURY
                if i + 4 <= n and memcmp(s + i, b"true", 4) == 0:
                    c.injury = 1
                    i += 4
                elif i + 5 <= n and memcmp(s + i, b"false", 5) == 0:
                    i += 5
                else:
                    return -1
            else:
                return -1  # excluded, a region's claim fact: Python
            if seen & field:
                return -1
            seen |= field
            i = ws(s, i, n)
            if i >= n:
                return -1
            if s[i] == 125:
                break
            if s[i] != 44:
                return -1
            i = ws(s, i + 1, n)
        if (seen & (C_ID | C_DATE | C_KIND | C_COMPLIANT)) != (C_ID | C_DATE | C_KIND | C_COMPLIANT):
            return -1
        if c.total >= 0 and c.total < c.compliant + c.blood:
            return -1  # the whole bill below its compliant part: Python says why
        if c.blood:  # the bill compliant + blood as Decimal adds them (their places)
            c.places = max(c.places, places(s, c.comp_s, c.comp_s + c.comp_n))
        return i + 1

    cdef bint _check_claims(self, const unsigned char *s) except -1:
        """What the scenario checks across its parts: each claim dated in the year and
        not before the birth, claim ids unique; and the age on 1 January."""
        cdef int32_t k, j
        cdef ClaimIn *a
        cdef ClaimIn *b
        if self.bd_s < 0:
            return False
        for k in range(self.nclaims):
            a = &self.claims[k]
            if a.year != self.year or a.date < self.birth:
                return False
            for j in range(k):
                b = &self.claims[j]
                if a.id_n == b.id_n and memcmp(s + a.id_s, s + b.id_s, a.id_n) == 0:
                    return False
        return True

    cdef int _phase_key(self, const unsigned char *s) except -1:
        """The person-year's key: the year, the age on 1 January, the person's bytes
        (the birth date blanked unless it must be kept), enrolment, events, elsewhere."""
        cdef int32_t by, bm, bd, age
        cdef bint keep
        cdef Py_ssize_t k
        # the birth date's parts, from its text (ten bytes at bd_s)
        by = (s[self.bd_s] - 48) * 1000 + (s[self.bd_s + 1] - 48) * 100 \
            + (s[self.bd_s + 2] - 48) * 10 + (s[self.bd_s + 3] - 48)
        bm = (s[self.bd_s + 5] - 48) * 10 + (s[self.bd_s + 6] - 48)
        bd = (s[self.bd_s + 8] - 48) * 10 + (s[self.bd_s + 9] - 48)
        age = self.year - by - (0 if (bm == 1 and bd == 1) else 1)
        self.by = by
        self.bm = bm
        self.bd = bd
        keep = (age < 0 or age >= 256 or self.ages[age] or self._has_breaks(s)
                or self._newborn(s, age, by))
        self.key.n = 0
        buf_int(&self.key, self.year)
        buf_put(&self.key, b"|", 1)
        buf_int(&self.key, age)
        buf_put(&self.key, b"|" if keep else b"~", 1)
        buf_put(&self.key, <const char *>s + self.person_s, self.person_e - self.person_s)
        if not keep:
            k = self.key.n - (self.person_e - self.person_s) + (self.bd_s - self.person_s)
            memcpy(self.key.p + k, b"##########", 10)
        buf_put(&self.key, b"\0", 1)
        buf_put(&self.key, <const char *>s + self.enr_s, self.enr_e - self.enr_s)
        buf_put(&self.key, b"\0", 1)
        buf_put(&self.key, <const char *>s + self.ev_s, self.ev_e - self.ev_s)
        buf_put(&self.key, b"\0", 1)
        buf_put(&self.key, <const char *>s + self.el_s, self.el_e - self.el_s)
        return 0

    cdef bint _newborn(self, const unsigned char *s, int32_t age, int32_t by) noexcept:
        """Whether newborn rules may read the birth date (FastPath's reads_birth_date):
        under 3 for a stack without a window; else born in the year or later, or a
        payment within the window after birth."""
        if self.young_always and age < 3:
            return True
        if self.newborn_days < 0:
            return False
        return by >= self.year or self._paid_within(s, self.newborn_days)

    cdef bint _paid_within(self, const unsigned char *s, int32_t days) noexcept:
        """Whether any ``"paid_on"`` of the enrolment falls on or after the birth date and
        at most ``days`` after it (a date not read keeps the birth date: never wrong)."""
        cdef Py_ssize_t k, j
        cdef int32_t y, m, d, paid
        for k in range(self.enr_s, self.enr_e - 9):
            if s[k] != 34 or memcmp(s + k, b"\"paid_on\"", 9) != 0:
                continue
            j = ws(s, k + 9, self.enr_e)
            if j >= self.enr_e or s[j] != 58:
                continue  # a value "paid_on", not the key
            j = ws(s, j + 1, self.enr_e)
            if j < self.enr_e and s[j] == 110:
                continue  # null
            if date_string(s, j, self.enr_e, &y, &m, &d) < 0:
                return True
            paid = yb_ordinal(y, m, d)
            if self.birth <= paid <= self.birth + days:
                return True
        return False

    cdef bint _has_breaks(self, const unsigned char *s) noexcept:
        """Whether the enrolment history states contribution breaks (the scenario checks
        them against the birth date itself, so the date stays in the key)."""
        cdef Py_ssize_t k
        for k in range(self.enr_s, self.enr_e - 7):
            if s[k] == 34 and memcmp(s + k, b"\"breaks\"", 8) == 0:
                return True
        return False

    # ---------------------------------------------------------------------------------

    cdef int32_t _segment(self, int stack, int32_t day) except -2:
        """Which stretch of parameter validity ``day`` falls in (bisect right)."""
        cdef bytes packed
        cdef const int32_t *bounds
        cdef Py_ssize_t lo = 0, hi, mid
        while len(self.bounds) <= stack:  # a stack's bounds, packed when first needed
            found = <list>self.segments[len(self.bounds)]
            self.bounds.append(b"".join((<int>d).to_bytes(4, "little", signed=True)
                                        for d in found))
        packed = <bytes>self.bounds[stack]
        bounds = <const int32_t *>PyBytes_AS_STRING(packed)
        hi = PyBytes_GET_SIZE(packed) // 4
        while lo < hi:
            mid = (lo + hi) >> 1
            if day < bounds[mid]:
                hi = mid
            else:
                lo = mid + 1
        return <int32_t>lo

    cdef int _grow_notes(self) except -1:
        cdef int32_t *p = <int32_t *> PyMem_Realloc(self.notes,
                                                    sizeof(int32_t) * 2 * self.nnotes_cap)
        if p == NULL:
            raise MemoryError()
        self.notes = p
        self.nnotes_cap *= 2
        return 0

    cdef int _note(self, int32_t id, int32_t first, int32_t *count) except -1:
        """Add notice ``id`` to the answer unless it is there already (Case.notice);
        the ``first`` notices (relocation) are not compared."""
        cdef int32_t k
        for k in range(first, count[0]):
            if self.notes[k] == id:
                return 0
        if count[0] == self.nnotes_cap:
            self._grow_notes()
        self.notes[count[0]] = id
        count[0] += 1
        return 0

    cdef PlanEntry _plan(self, int r, RegionPhase rp, ClaimIn *c, const unsigned char *s,
                         Py_ssize_t n, int64_t number, int *status):
        """The claim's plans (``status`` 1), or none: 0 Python settles such claims, -1
        Python settles this line."""
        cdef int32_t h[11]
        cdef int32_t read = rp.reads[c.kind]
        if c.blood:  # what the blood rule reads (the diseases) is read too
            read = READ_LEVEL | READ_FACILITY | READ_DISEASES
        h[0] = rp.stack
        h[1] = rp.plans
        h[2] = self._segment(rp.stack, c.date)
        h[3] = c.kind
        h[4] = c.level if read & READ_LEVEL else 0
        h[5] = c.care
        h[6] = c.facility if read & READ_FACILITY else -1
        h[7] = -1  # the age on the claim's date (Person.age_on), where plans read it
        if (rp.aged >> c.kind) & 1:
            h[7] = c.year - self.by - (1 if (c.month, c.day) < (self.bm, self.bd) else 0)
        h[8] = -1  # which side of the kind's waiting period the claim falls
        if rp.wait[c.kind]:
            h[8] = c.date >= rp.wait[c.kind]
        h[9] = c.injury
        h[10] = c.blood != 0
        self.key.n = 0
        buf_put(&self.key, <const char *>h, sizeof(h))
        if c.dis_n and read & READ_DISEASES:
            buf_put(&self.key, <const char *>s + c.dis_s, c.dis_n)
        cdef uint64_t hk = key_hash(self.key.p, self.key.n)
        cdef PyObject *held = self.plans.get(self.key.p, self.key.n, hk)
        cdef object found
        if held != NULL:
            found = <object>held
        else:
            keyb = PyBytes_FromStringAndSize(self.key.p, self.key.n)
            answer = self.plan_cb(r, self._raw(s, n), number, c.index)
            if answer is False:
                status[0] = -1
                return None
            found = PlanEntry(*answer) if answer is not None else None
            self.plans.put(PyBytes_AS_STRING(keyb), PyBytes_GET_SIZE(keyb), hk, found)
        if found is None:
            status[0] = 0
            return None
        status[0] = 1
        return <PlanEntry>found

    cdef int32_t _dated(self, int32_t gap, int32_t day) except -2:
        """The notice of gap number ``gap`` met by a claim of day ``day`` (asked of
        Python once per gap and day: its text names the date)."""
        cdef int32_t h[2]
        h[0] = gap
        h[1] = day
        cdef uint64_t hk = key_hash(<const char *>h, sizeof(h))
        cdef PyObject *held = self.dated.get(<const char *>h, sizeof(h), hk)
        if held != NULL:
            return <object>held
        if self.dated_cb is None:
            return -1
        found = self.dated_cb(gap, day)
        self.dated.put(<const char *>h, sizeof(h), hk, found)
        return found

    cdef int _rule(self, PlanEntry plan, int32_t node, int64_t amount, ClaimIn *c,
                   int32_t first, int32_t *nnotes, int64_t *res, int depth) except -2:
        """Run rule ``node`` of ``plan`` on ``amount`` fen as FastPath._run does: its
        notices, its program, and on the cost a limit passes on the first of its
        then-rules that applies (its payment joins this rule's, its subsidy this rule's
        subsidy, under the passed rule's subsidy layer). In ``res`` the payment, the
        subsidy's (-1: none) and the subsidy's layer. 1; 0 when the rule does not apply
        (no payment); 2 when it meets a value not published (the claim is
        ``not_published``, its gaps' notices given); -1 when Python must settle the line."""
        cdef int32_t flags = plan.flags[node], t, note
        cdef int64_t out[3]
        cdef int64_t passed[3]
        cdef int found
        for t in range(plan.nlen[node]):
            self._note(plan.notes[plan.noff[node] + t], first, nnotes)
        if flags & 16:
            return 0
        if flags & 8:  # the gaps' dated notices, the claim's own last
            for t in range(plan.plen[node]):
                note = self._dated(<int32_t>plan.prog[plan.poff[node] + t], c.date)
                if note < 0:
                    return -1
                self._note(note, first, nnotes)
            return 2
        res[1] = -1
        res[2] = -1
        if flags & 2:
            res[0] = 0
            return 1
        if not run_program(plan.prog + plan.poff[node], plan.plen[node], flags & 4, amount,
                           c.admission, self.led, out):
            return -1
        if out[0] and plan.nip[node] >= 0:
            self._note(plan.nip[node], first, nnotes)
        res[0] = out[0]
        res[1] = out[1]
        res[2] = plan.sub[node]
        if out[2] < 0:
            return 1
        if depth == MAX_DEPTH:
            return -1
        for t in range(plan.tlen[node]):
            found = self._rule(plan, plan.then[plan.toff[node] + t], out[2], c, first, nnotes,
                               passed, depth + 1)
            if found < 0 or found == 2:
                return found
            if found == 0:
                continue  # the next one takes it
            res[0] += passed[0]
            if passed[1] >= 0:
                res[1] = (res[1] if res[1] >= 0 else 0) + passed[1]
                res[2] = passed[2]
            if res[0] > YB_MAX_PAY or res[1] > YB_MAX_PAY:
                return -1
            break
        return 1

    cdef int _settle(self, int r, RegionPhase rp, const unsigned char *s, Py_ssize_t n,
                     int64_t number) except -1:
        """Settle the line in region ``r`` and write its record: 1; 0 when Python must."""
        cdef int64_t kinds = rp.kinds
        cdef int32_t k, j, t, ncl = self.nclaims, nnotes, first
        cdef ClaimIn *c
        cdef PlanEntry plan
        cdef int status
        cdef int64_t compliant, remaining, amount, pay, paid, ceiling, bill
        cdef int32_t base, np, flags, kept
        cdef int found
        cdef int64_t res[3]
        cdef int64_t saved[MAX_LEDGER]
        for k in range(ncl):
            c = &self.claims[k]
            if not (kinds >> c.kind) & 1 or c.date < rp.lo or c.date > rp.hi:
                return 0
        # settlement order: by date, ties as given
        for k in range(ncl):
            self.order[k] = k
        for k in range(1, ncl):
            t = self.order[k]
            j = k - 1
            while j >= 0 and self.claims[self.order[j]].date > self.claims[t].date:
                self.order[j + 1] = self.order[j]
                j -= 1
            self.order[j + 1] = t
        self.led.reset()
        first = rp.nlead
        nnotes = rp.nlead + rp.nnotes
        while nnotes > self.nnotes_cap:
            self._grow_notes()
        memcpy(self.notes, rp.notes, sizeof(int32_t) * nnotes)
        for k in range(ncl):
            c = &self.claims[self.order[k]]
            plan = self._plan(r, rp, c, s, n, number, &status)
            if status != 1:
                return 0
            for j in range(plan.ngate):
                self._note(plan.gate[j], first, &nnotes)
            if plan.status:  # the gate stops the claim: no payment, the ledger untouched
                self.status[k] = plan.status
                self.npaid[k] = 0
                continue
            compliant = c.compliant
            if c.blood and plan.blood_num >= 0:  # the part of the blood items in scope
                if not yb_times(c.blood, plan.blood_num, plan.blood_den, &pay):
                    return 0
                compliant += c.blood - pay
            remaining = compliant
            base = k * MAX_PAID
            np = 0
            if plan.nrules > MAX_PAID:
                return 0
            self.status[k] = S_SETTLED
            if plan.stops:  # a gap's claim must not use up the year's limits
                kept = self.led.ntouched
                for j in range(kept):
                    saved[j] = self.led.amounts[self.led.touched[j]]
            for j in range(plan.nrules):
                flags = plan.flags[j]
                amount = remaining if flags & 1 else compliant
                found = self._rule(plan, j, amount, c, first, &nnotes, res, 0)
                if found < 0:
                    return 0
                if found == 2:  # a value not published: the claim stops here
                    self.status[k] = S_NOT_PUBLISHED
                    break
                if found == 0:
                    continue
                if np + 2 > MAX_PAID:
                    return 0
                # its own payment, then its subsidy's (FastPath._run)
                self.paid_layer[base + np] = plan.layer[j]
                self.paid_fen[base + np] = res[0]
                np += 1
                remaining -= res[0]
                if res[1] >= 0:
                    self.paid_layer[base + np] = <int32_t>res[2]
                    self.paid_fen[base + np] = res[1]
                    np += 1
                    remaining -= res[1]
            self.npaid[k] = np
            if self.status[k]:  # the ledger as before the claim; no invariants checked
                for j in range(kept, self.led.ntouched):
                    self.led.amounts[self.led.touched[j]] = 0
                    self.led.used[self.led.touched[j]] = False
                self.led.ntouched = kept
                for j in range(kept):
                    self.led.amounts[self.led.touched[j]] = saved[j]
                continue
            # the settlement invariants (yibao.invariants.payments_problem)
            ceiling = c.compliant + c.blood  # (yibao.invariants.ceiling_of)
            bill = c.total if c.total >= 0 else c.compliant + c.blood
            paid = 0
            for j in range(np):
                pay = self.paid_fen[base + j]
                if pay < 0:
                    return 0
                paid += pay
                if self.paid_layer[base + j] == self.institution:
                    ceiling += pay
                if paid > ceiling or paid > bill:
                    return 0
        return self._write(r, rp, s, number, nnotes)

    cdef int _write(self, int r, RegionPhase rp, const unsigned char *s, int64_t number,
                    int32_t nnotes) except -1:
        """The record, as msgspec encodes ``Record`` (fields in order, defaults left out),
        and its part of the summary."""
        cdef Buf *o = &self.out
        cdef int32_t k, j, t, ncl = self.nclaims, base, nl
        cdef int32_t layer_ids[MAX_LAYERS]
        cdef int64_t layer_fen[MAX_LAYERS]
        cdef int32_t claim_ids[MAX_PAID]
        cdef int64_t claim_fen[MAX_PAID]
        cdef int32_t nt = 0, nc
        cdef int64_t bill, patient, bill_total = 0, patient_total = 0
        cdef ClaimIn *c
        cdef int64_t *m = self.sums + SUMS * r
        cdef int32_t nunknown = 0, st
        cdef bint counted
        cdef bytes said
        cdef int32_t *sl = self.sum_layer + MAX_LAYERS * r
        cdef int64_t *sf = self.sum_fen + MAX_LAYERS * r
        buf_put(o, b'{"line":', 8)
        buf_int(o, number)
        buf_bytes(o, rp.fragment)
        if ncl:
            buf_put(o, b',"claims":[', 11)
        for k in range(ncl):
            c = &self.claims[self.order[k]]
            base = k * MAX_PAID
            # the claim's layers, each once, first seen first (add_layers)
            nc = 0
            for j in range(self.npaid[k]):
                for t in range(nc):
                    if claim_ids[t] == self.paid_layer[base + j]:
                        claim_fen[t] += self.paid_fen[base + j]
                        break
                else:
                    claim_ids[nc] = self.paid_layer[base + j]
                    claim_fen[nc] = self.paid_fen[base + j]
                    nc += 1
            bill = c.total if c.total >= 0 else c.compliant + c.blood
            patient = bill
            st = self.status[k]
            # a share unknown (not published, pending review) is left out of the totals;
            # refused or not covered, the patient bears the whole bill
            counted = st == S_SETTLED or st == S_REFUSED or st == S_NOT_COVERED
            m[status_sum(st)] += 1
            for t in range(nc):
                patient -= claim_fen[t]
                if not counted:
                    continue
                for j in range(nt):
                    if layer_ids[j] == claim_ids[t]:
                        layer_fen[j] += claim_fen[t]
                        break
                else:
                    layer_ids[nt] = claim_ids[t]
                    layer_fen[nt] = claim_fen[t]
                    nt += 1
            if counted:
                bill_total += bill
                patient_total += patient
            else:
                nunknown += 1
            buf_put(o, b'{"id":"' if k == 0 else b',{"id":"', 7 if k == 0 else 8)
            buf_put(o, <const char *>s + c.id_s, c.id_n)
            said = <bytes>_STATUS_BYTES[st]
            buf_put(o, PyBytes_AS_STRING(said), PyBytes_GET_SIZE(said))
            if c.total >= 0:  # the whole bill as given; else compliant + 0.00
                buf_put(o, b'"', 1)
                buf_put(o, <const char *>s + c.tot_s, c.tot_n)
                buf_put(o, b'"', 1)
            elif c.blood:  # compliant + blood, as Decimal adds them
                buf_amount(o, c.compliant + c.blood, c.places)
            else:
                buf_fen(o, c.compliant)
            buf_put(o, b',"compliant":"', 14)
            buf_put(o, <const char *>s + c.comp_s, c.comp_n)
            buf_put(o, b'"', 1)
            if nc:
                buf_put(o, b',"layers":{', 11)
                for t in range(nc):
                    if t:
                        buf_put(o, b',', 1)
                    buf_bytes(o, <bytes>self.layers[claim_ids[t]])
                    buf_put(o, b':', 1)
                    buf_fen(o, claim_fen[t])
                buf_put(o, b'}', 1)
            if counted:
                buf_put(o, b',"patient":', 11)
                buf_fen(o, patient)
            buf_put(o, b'}', 1)
            if not counted:
                continue
            # the summary (RegionSummary.add): layers first seen first
            for t in range(nc):
                for j in range(m[6]):
                    if sl[j] == claim_ids[t]:
                        sf[j] += claim_fen[t]
                        break
                else:
                    sl[m[6]] = claim_ids[t]
                    sf[m[6]] = claim_fen[t]
                    m[6] += 1
        if ncl:
            buf_put(o, b']', 1)
        buf_put(o, b',"totals":{"bill":', 18)
        buf_fen(o, bill_total)
        buf_put(o, b',"layers":{', 11)
        for j in range(nt):
            if j:
                buf_put(o, b',', 1)
            buf_bytes(o, <bytes>self.layers[layer_ids[j]])
            buf_put(o, b':', 1)
            buf_fen(o, layer_fen[j])
        buf_put(o, b'},"patient":', 12)
        buf_fen(o, patient_total)
        if nunknown:
            buf_put(o, b',"complete":false}', 18)
        else:
            buf_put(o, b',"complete":true}', 17)
        if nnotes:
            # the phases' notices come first, encoded once per person-year
            buf_put(o, b',"notices":[', 12)
            buf_bytes(o, rp.joined)
            for k in range(rp.nlead + rp.nnotes, nnotes):
                if k:
                    buf_put(o, b',', 1)
                buf_bytes(o, <bytes>self.notices[self.notes[k]])
            buf_put(o, b']', 1)
        nl = 0
        for k in range(self.led.ncaps):
            if self.led.capval[k] - self.led.get(self.led.capkey[k]) <= 0:
                buf_put(o, b',"limits":[' if nl == 0 else b',', 11 if nl == 0 else 1)
                buf_bytes(o, <bytes>self.ledgers[self.led.capkey[k]])
                nl += 1
        if nl:
            buf_put(o, b']', 1)
        buf_put(o, b'}\n', 2)
        # to flush even when a fallback for an earlier region of the line flushed already
        self.pending = True
        m[0] += 1  # cases
        m[1] += 1  # eligible
        m[4] += bill_total
        m[5] += patient_total
        return 1
