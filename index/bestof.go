package index

// bestOf returns the k elements of s that cmp puts first, in no order,
// reordering s: a selection in linear time, where sorting every passage
// matched would cost n log n.
func bestOf[T any](s []T, k int, cmp func(a, b T) int) []T {
	if k >= len(s) {
		return s
	}
	if k <= 0 {
		return s[:0]
	}
	lo, hi := 0, len(s)-1
	for lo < hi {
		// Median of three as the pivot, so sorted input is not quadratic.
		mid := lo + (hi-lo)/2
		if cmp(s[mid], s[lo]) < 0 {
			s[mid], s[lo] = s[lo], s[mid]
		}
		if cmp(s[hi], s[lo]) < 0 {
			s[hi], s[lo] = s[lo], s[hi]
		}
		if cmp(s[hi], s[mid]) < 0 {
			s[hi], s[mid] = s[mid], s[hi]
		}
		pivot := s[mid]
		i, j := lo, hi
		for i <= j {
			for cmp(s[i], pivot) < 0 {
				i++
			}
			for cmp(pivot, s[j]) < 0 {
				j--
			}
			if i <= j {
				s[i], s[j] = s[j], s[i]
				i++
				j--
			}
		}
		// s[lo..j] <= pivot <= s[i..hi]
		switch {
		case k-1 <= j:
			hi = j
		case k-1 >= i:
			lo = i
		default:
			return s[:k]
		}
	}
	return s[:k]
}
