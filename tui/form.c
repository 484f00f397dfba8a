/* placeholder, replaced below */
#include "config.h"
#include "tui-int.h"
