## api-client/: libegovapi, the city API library (issue 4).  A static
## library with a public header (api-client/include/egov/api.h), libcurl and
## jansson inside, no ncurses and no SQLite.  Programs link it with
## $(EGOV_API_LIBS) $(EGOV_COMMON_LIBS).
noinst_LIBRARIES += api-client/libegovapi.a
api_client_libegovapi_a_SOURCES = \
	api-client/include/egov/api.h \
	api-client/internal.h \
	api-client/json-util.c \
	api-client/errors.c \
	api-client/decode-dossier.c \
	api-client/encode-dossier.c \
	api-client/decode-reference.c \
	api-client/decode-feed.c \
	api-client/client.c \
	api-client/request.c \
	api-client/completion.c \
	api-client/transfer.c \
	api-client/answer.c \
	api-client/netthread.c
api_client_libegovapi_a_CFLAGS = $(AM_CFLAGS) $(CURL_CFLAGS) $(JANSSON_CFLAGS)
EGOV_API_LIBS = api-client/libegovapi.a $(EGOV_COMMON_LIBS) $(CURL_LIBS) $(JANSSON_LIBS) -lpthread
