/*
 * Hải Phòng as seed data: the city People's Committee, its departments
 * (after the 2025 mergers), wards, communes and special zones (after the
 * July 2025 reorganisation, with the old district each ward came from), a
 * catalogue of common procedures with their national codes, processing
 * times, fees by channel and required documents, the 2024-2027 calendar of
 * legal holidays and swapped working Saturdays, and the name lists
 * applicants are drawn from.  Codes quoted in domain.md are exact; the
 * others follow the national formats (agency 000.xx.yy.H24, procedure
 * d.dddddd).  Tết 2027 and some swapped days are the expected ones.
 */
#include "config.h"
#include "seed-data.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

const seed_agency seed_agencies[] = {
	{ "000.00.00.H24", "Ủy ban nhân dân thành phố Hải Phòng", "UBND thành phố", "city", NULL, NULL, 0 },
	{ "000.00.12.H24", "Sở Tư pháp thành phố Hải Phòng", "Sở Tư pháp", "department", "000.00.00.H24", NULL, 30 },
	{ "000.00.05.H24", "Sở Tài chính thành phố Hải Phòng", "Sở Tài chính", "department", "000.00.00.H24", NULL, 40 },
	{ "000.00.09.H24", "Sở Xây dựng thành phố Hải Phòng", "Sở Xây dựng", "department", "000.00.00.H24", NULL, 35 },
	{ "000.00.10.H24", "Sở Nông nghiệp và Môi trường thành phố Hải Phòng", "Sở NN&MT", "department", "000.00.00.H24", NULL, 15 },
	{ "000.10.10.H24", "Văn phòng Đăng ký đất đai thành phố Hải Phòng", "VP Đăng ký đất đai", "department", "000.00.10.H24", NULL, 40 },
	{ "000.00.03.H24", "Sở Nội vụ thành phố Hải Phòng", "Sở Nội vụ", "department", "000.00.00.H24", NULL, 15 },
	{ "000.00.14.H24", "Sở Khoa học và Công nghệ thành phố Hải Phòng", "Sở KH&CN", "department", "000.00.00.H24", NULL, 8 },
	{ "000.00.17.H24", "Sở Y tế thành phố Hải Phòng", "Sở Y tế", "department", "000.00.00.H24", NULL, 15 },
	{ "000.00.16.H24", "Sở Giáo dục và Đào tạo thành phố Hải Phòng", "Sở GD&ĐT", "department", "000.00.00.H24", NULL, 12 },
	{ "000.00.08.H24", "Sở Công Thương thành phố Hải Phòng", "Sở Công Thương", "department", "000.00.00.H24", NULL, 12 },
	{ "000.00.18.H24", "Sở Văn hóa, Thể thao và Du lịch thành phố Hải Phòng", "Sở VHTTDL", "department", "000.00.00.H24", NULL, 8 },
	{ "000.00.22.H24", "Ban Quản lý Khu kinh tế Hải Phòng", "BQL Khu kinh tế", "department", "000.00.00.H24", NULL, 10 },
	{ "000.20.01.H24", "Ủy ban nhân dân phường Hồng Bàng", "P. Hồng Bàng", "ward", "000.00.00.H24", "quận Hồng Bàng", 100 },
	{ "000.20.02.H24", "Ủy ban nhân dân phường Ngô Quyền", "P. Ngô Quyền", "ward", "000.00.00.H24", "quận Ngô Quyền", 90 },
	{ "000.20.03.H24", "Ủy ban nhân dân phường Gia Viên", "P. Gia Viên", "ward", "000.00.00.H24", "quận Ngô Quyền", 80 },
	{ "000.20.04.H24", "Ủy ban nhân dân phường Lê Chân", "P. Lê Chân", "ward", "000.00.00.H24", "quận Lê Chân", 95 },
	{ "000.20.05.H24", "Ủy ban nhân dân phường An Biên", "P. An Biên", "ward", "000.00.00.H24", "quận Lê Chân", 80 },
	{ "000.20.06.H24", "Ủy ban nhân dân phường Hải An", "P. Hải An", "ward", "000.00.00.H24", "quận Hải An", 85 },
	{ "000.20.07.H24", "Ủy ban nhân dân phường Đông Hải", "P. Đông Hải", "ward", "000.00.00.H24", "quận Hải An", 70 },
	{ "000.20.08.H24", "Ủy ban nhân dân phường Kiến An", "P. Kiến An", "ward", "000.00.00.H24", "quận Kiến An", 75 },
	{ "000.20.09.H24", "Ủy ban nhân dân phường Phù Liễn", "P. Phù Liễn", "ward", "000.00.00.H24", "quận Kiến An", 60 },
	{ "000.20.10.H24", "Ủy ban nhân dân phường Đồ Sơn", "P. Đồ Sơn", "ward", "000.00.00.H24", "quận Đồ Sơn", 50 },
	{ "000.20.11.H24", "Ủy ban nhân dân phường Dương Kinh", "P. Dương Kinh", "ward", "000.00.00.H24", "quận Dương Kinh", 55 },
	{ "000.20.12.H24", "Ủy ban nhân dân phường An Dương", "P. An Dương", "ward", "000.00.00.H24", "quận An Dương", 70 },
	{ "000.20.13.H24", "Ủy ban nhân dân phường Thủy Nguyên", "P. Thủy Nguyên", "ward", "000.00.00.H24", "thành phố Thủy Nguyên", 80 },
	{ "000.20.14.H24", "Ủy ban nhân dân phường Hải Dương", "P. Hải Dương", "ward", "000.00.00.H24", "thành phố Hải Dương", 85 },
	{ "000.20.15.H24", "Ủy ban nhân dân phường Thành Đông", "P. Thành Đông", "ward", "000.00.00.H24", "thành phố Hải Dương", 65 },
	{ "000.20.16.H24", "Ủy ban nhân dân phường Lê Thanh Nghị", "P. Lê Thanh Nghị", "ward", "000.00.00.H24", "thành phố Hải Dương", 60 },
	{ "000.20.17.H24", "Ủy ban nhân dân phường Việt Hòa", "P. Việt Hòa", "ward", "000.00.00.H24", "thành phố Hải Dương", 55 },
	{ "000.20.18.H24", "Ủy ban nhân dân phường Chí Linh", "P. Chí Linh", "ward", "000.00.00.H24", "thành phố Chí Linh", 60 },
	{ "000.20.19.H24", "Ủy ban nhân dân phường Kinh Môn", "P. Kinh Môn", "ward", "000.00.00.H24", "thị xã Kinh Môn", 55 },
	{ "000.20.20.H24", "Ủy ban nhân dân phường Tân Hưng", "P. Tân Hưng", "ward", "000.00.00.H24", "thành phố Hải Dương", 45 },
	{ "000.21.01.H24", "Ủy ban nhân dân xã An Lão", "X. An Lão", "ward", "000.00.00.H24", "huyện An Lão", 45 },
	{ "000.21.02.H24", "Ủy ban nhân dân xã Kiến Thụy", "X. Kiến Thụy", "ward", "000.00.00.H24", "huyện Kiến Thụy", 45 },
	{ "000.21.03.H24", "Ủy ban nhân dân xã Tiên Lãng", "X. Tiên Lãng", "ward", "000.00.00.H24", "huyện Tiên Lãng", 45 },
	{ "000.21.04.H24", "Ủy ban nhân dân xã Vĩnh Bảo", "X. Vĩnh Bảo", "ward", "000.00.00.H24", "huyện Vĩnh Bảo", 50 },
	{ "000.21.05.H24", "Ủy ban nhân dân xã Nam Sách", "X. Nam Sách", "ward", "000.00.00.H24", "huyện Nam Sách", 40 },
	{ "000.21.06.H24", "Ủy ban nhân dân xã Thanh Hà", "X. Thanh Hà", "ward", "000.00.00.H24", "huyện Thanh Hà", 40 },
	{ "000.21.07.H24", "Ủy ban nhân dân xã Cẩm Giàng", "X. Cẩm Giàng", "ward", "000.00.00.H24", "huyện Cẩm Giàng", 40 },
	{ "000.21.08.H24", "Ủy ban nhân dân xã Gia Lộc", "X. Gia Lộc", "ward", "000.00.00.H24", "huyện Gia Lộc", 40 },
	{ "000.21.09.H24", "Ủy ban nhân dân xã Tứ Kỳ", "X. Tứ Kỳ", "ward", "000.00.00.H24", "huyện Tứ Kỳ", 40 },
	{ "000.21.10.H24", "Ủy ban nhân dân xã Ninh Giang", "X. Ninh Giang", "ward", "000.00.00.H24", "huyện Ninh Giang", 40 },
	{ "000.21.11.H24", "Ủy ban nhân dân xã Thanh Miện", "X. Thanh Miện", "ward", "000.00.00.H24", "huyện Thanh Miện", 35 },
	{ "000.21.12.H24", "Ủy ban nhân dân xã Kim Thành", "X. Kim Thành", "ward", "000.00.00.H24", "huyện Kim Thành", 35 },
	{ "000.22.01.H24", "Ủy ban nhân dân đặc khu Cát Hải", "ĐK Cát Hải", "ward", "000.00.00.H24", "huyện Cát Hải", 25 },
	{ "000.22.02.H24", "Ủy ban nhân dân đặc khu Bạch Long Vĩ", "ĐK Bạch Long Vĩ", "ward", "000.00.00.H24", "huyện Bạch Long Vĩ", 2 },
};
const size_t seed_n_agencies = N(seed_agencies);

#define CCCD { "GT01", "Căn cước hoặc giấy tờ tùy thân", 1 }
#define FREE { { "Lệ phí", 0, 0 } }

const seed_procedure seed_procedures[] = {
	{ "1.001193", "Đăng ký khai sinh", "Hộ tịch", "ward", NULL, "full", 0, 0, FREE,
	  { { "KS01", "Tờ khai đăng ký khai sinh", 1 }, { "KS02", "Giấy chứng sinh", 1 }, CCCD }, 120, 0 },
	{ "1.000894", "Đăng ký kết hôn", "Hộ tịch", "ward", NULL, "partial", 0, 0, FREE,
	  { { "KH01", "Tờ khai đăng ký kết hôn", 1 }, CCCD }, 40, 0 },
	{ "1.000656", "Đăng ký khai tử", "Hộ tịch", "ward", NULL, "full", 0, 0, FREE,
	  { { "KT01", "Tờ khai đăng ký khai tử", 1 }, { "KT02", "Giấy báo tử", 1 }, CCCD }, 30, 0 },
	{ "1.004746", "Cấp bản sao trích lục hộ tịch", "Hộ tịch", "ward", NULL, "full", 0, 0,
	  { { "Phí cấp bản sao trích lục", 8000, 4000 } },
	  { { "TL01", "Tờ khai cấp bản sao trích lục", 1 }, CCCD }, 60, 0 },
	{ "1.001022", "Đăng ký nhận cha, mẹ, con", "Hộ tịch", "ward", NULL, "partial", 3, 0,
	  { { "Lệ phí", 15000, 0 } },
	  { { "CM01", "Tờ khai đăng ký nhận cha, mẹ, con", 1 }, { "CM02", "Chứng cứ chứng minh quan hệ", 1 }, CCCD }, 8, 0 },
	{ "1.004859", "Thay đổi, cải chính, bổ sung thông tin hộ tịch", "Hộ tịch", "ward", NULL, "partial", 3, 0,
	  { { "Lệ phí", 15000, 0 } },
	  { { "CC01", "Tờ khai cải chính hộ tịch", 1 }, { "CC02", "Giấy tờ làm căn cứ cải chính", 1 }, CCCD }, 15, 0 },
	{ "1.004873", "Cấp Giấy xác nhận tình trạng hôn nhân", "Hộ tịch", "ward", NULL, "full", 3, 0, FREE,
	  { { "HN01", "Tờ khai cấp Giấy xác nhận tình trạng hôn nhân", 1 }, CCCD }, 35, 0 },
	{ "1.004837", "Đăng ký giám hộ", "Hộ tịch", "ward", NULL, "partial", 3, 0, FREE,
	  { { "GH01", "Tờ khai đăng ký giám hộ", 1 }, { "GH02", "Văn bản cử người giám hộ", 1 }, CCCD }, 4, 0 },
	{ "2.000815", "Chứng thực bản sao từ bản chính giấy tờ, văn bản", "Chứng thực", "ward", NULL, "partial", 1, 0,
	  { { "Phí chứng thực (trang)", 2000, 2000 } },
	  { { "CT01", "Bản chính giấy tờ, văn bản", 1 }, { "CT02", "Bản sao cần chứng thực", 1 } }, 150, 0 },
	{ "2.000884", "Chứng thực chữ ký trong các giấy tờ, văn bản", "Chứng thực", "ward", NULL, "none", 1, 0,
	  { { "Phí chứng thực chữ ký", 10000, 10000 } },
	  { { "CK01", "Giấy tờ, văn bản cần chứng thực chữ ký", 1 }, CCCD }, 60, 0 },
	{ "2.000913", "Chứng thực hợp đồng, giao dịch liên quan đến tài sản là động sản", "Chứng thực", "ward", NULL, "none", 2, 0,
	  { { "Phí chứng thực hợp đồng", 50000, 50000 } },
	  { { "HD01", "Dự thảo hợp đồng, giao dịch", 1 }, { "HD02", "Giấy tờ về tài sản", 1 }, CCCD }, 25, 0 },
	{ "1.004194", "Đăng ký thường trú", "Cư trú", "ward", NULL, "full", 7, 0,
	  { { "Lệ phí đăng ký cư trú", 20000, 10000 } },
	  { { "CT01", "Tờ khai thay đổi thông tin cư trú (CT01)", 1 }, { "CT02", "Giấy tờ chứng minh chỗ ở hợp pháp", 1 } }, 70, 0 },
	{ "1.004227", "Đăng ký tạm trú", "Cư trú", "ward", NULL, "full", 3, 0,
	  { { "Lệ phí đăng ký cư trú", 15000, 7000 } },
	  { { "CT01", "Tờ khai thay đổi thông tin cư trú (CT01)", 1 }, { "CT02", "Giấy tờ chứng minh chỗ ở hợp pháp", 1 } }, 50, 0 },
	{ "1.001612", "Đăng ký thành lập hộ kinh doanh", "Thành lập và hoạt động của hộ kinh doanh", "ward", NULL, "full", 3, 0,
	  { { "Lệ phí đăng ký hộ kinh doanh", 100000, 0 } },
	  { { "HK01", "Giấy đề nghị đăng ký hộ kinh doanh", 1 }, { "HK02", "Biên bản họp thành viên hộ gia đình", 0 }, CCCD }, 35, 2 },
	{ "2.000720", "Đăng ký thay đổi nội dung đăng ký hộ kinh doanh", "Thành lập và hoạt động của hộ kinh doanh", "ward", NULL, "full", 3, 0,
	  { { "Lệ phí đăng ký hộ kinh doanh", 50000, 0 } },
	  { { "HK03", "Thông báo thay đổi nội dung đăng ký hộ kinh doanh", 1 }, CCCD }, 15, 2 },
	{ "1.010020", "Cấp giấy phép xây dựng nhà ở riêng lẻ", "Hoạt động xây dựng", "ward", NULL, "partial", 15, 0,
	  { { "Lệ phí cấp giấy phép xây dựng", 75000, 75000 } },
	  { { "XD01", "Đơn đề nghị cấp giấy phép xây dựng", 1 }, { "XD02", "Giấy tờ về quyền sử dụng đất", 1 }, { "XD03", "Bản vẽ thiết kế xây dựng", 1 } }, 20, 0 },
	{ "1.003608", "Hòa giải tranh chấp đất đai", "Đất đai", "ward", NULL, "none", 45, 1, FREE,
	  { { "DD01", "Đơn đề nghị hòa giải tranh chấp đất đai", 1 }, CCCD }, 6, 0 },
	{ "2.001417", "Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam", "Lý lịch tư pháp", "department", "000.00.12.H24", "full", 10, 0,
	  { { "Phí cấp Phiếu lý lịch tư pháp", 200000, 100000 } },
	  { { "LL01", "Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp", 1 }, CCCD }, 80, 0 },
	{ "1.001665", "Đăng ký hoạt động Văn phòng công chứng", "Công chứng", "department", "000.00.12.H24", "partial", 10, 0,
	  { { "Phí thẩm định", 1000000, 1000000 } },
	  { { "CC11", "Đơn đề nghị đăng ký hoạt động", 1 }, { "CC12", "Quyết định cho phép thành lập", 1 } }, 3, 1 },
	{ "1.002032", "Đăng ký hoạt động tổ chức hành nghề luật sư", "Luật sư", "department", "000.00.12.H24", "partial", 10, 0,
	  { { "Lệ phí", 100000, 100000 } },
	  { { "LS01", "Giấy đề nghị đăng ký hoạt động", 1 }, { "LS02", "Dự thảo Điều lệ", 1 } }, 3, 1 },
	{ "2.001610", "Đăng ký thành lập doanh nghiệp tư nhân", "Thành lập và phát triển doanh nghiệp", "department", "000.00.05.H24", "full", 3, 0,
	  { { "Lệ phí đăng ký doanh nghiệp", 50000, 0 } },
	  { { "DN01", "Giấy đề nghị đăng ký doanh nghiệp", 1 }, CCCD }, 40, 1 },
	{ "2.002039", "Đăng ký thành lập công ty TNHH một thành viên", "Thành lập và phát triển doanh nghiệp", "department", "000.00.05.H24", "full", 3, 0,
	  { { "Lệ phí đăng ký doanh nghiệp", 50000, 0 } },
	  { { "DN01", "Giấy đề nghị đăng ký doanh nghiệp", 1 }, { "DN02", "Điều lệ công ty", 1 }, CCCD }, 40, 1 },
	{ "1.010026", "Đăng ký thay đổi nội dung đăng ký doanh nghiệp", "Thành lập và phát triển doanh nghiệp", "department", "000.00.05.H24", "full", 3, 0,
	  { { "Lệ phí đăng ký doanh nghiệp", 50000, 0 } },
	  { { "DN03", "Thông báo thay đổi nội dung đăng ký doanh nghiệp", 1 } }, 35, 1 },
	{ "1.009972", "Cấp giấy phép xây dựng mới đối với công trình cấp đặc biệt, cấp I, cấp II", "Hoạt động xây dựng", "department", "000.00.09.H24", "partial", 20, 0,
	  { { "Lệ phí cấp giấy phép xây dựng", 150000, 150000 } },
	  { { "XD01", "Đơn đề nghị cấp giấy phép xây dựng", 1 }, { "XD02", "Giấy tờ về quyền sử dụng đất", 1 }, { "XD03", "Bản vẽ thiết kế xây dựng", 1 } }, 15, 1 },
	{ "1.002804", "Đổi giấy phép lái xe do ngành Giao thông vận tải cấp", "Đường bộ", "department", "000.00.09.H24", "full", 5, 0,
	  { { "Lệ phí cấp đổi giấy phép lái xe", 135000, 115000 } },
	  { { "LX01", "Đơn đề nghị đổi giấy phép lái xe", 1 }, { "LX02", "Giấy khám sức khỏe", 1 }, CCCD }, 60, 0 },
	{ "1.009987", "Cấp chứng chỉ hành nghề hoạt động xây dựng", "Hoạt động xây dựng", "department", "000.00.09.H24", "full", 20, 0,
	  { { "Lệ phí cấp chứng chỉ hành nghề", 300000, 150000 } },
	  { { "CH01", "Đơn đề nghị cấp chứng chỉ hành nghề", 1 }, { "CH02", "Văn bằng đào tạo chuyên môn", 1 } }, 8, 0 },
	{ "1.012758", "Cấp Giấy phép môi trường", "Môi trường", "department", "000.00.10.H24", "partial", 30, 0,
	  { { "Phí thẩm định cấp giấy phép môi trường", 20000000, 20000000 } },
	  { { "MT01", "Văn bản đề nghị cấp giấy phép môi trường", 1 }, { "MT02", "Báo cáo đề xuất cấp giấy phép môi trường", 1 } }, 5, 1 },
	{ "1.012799", "Đăng ký biến động quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất", "Đất đai", "department", "000.10.10.H24", "partial", 10, 0,
	  { { "Lệ phí cấp Giấy chứng nhận", 50000, 50000 } },
	  { { "DD11", "Đơn đăng ký biến động đất đai", 1 }, { "DD12", "Giấy chứng nhận đã cấp", 1 }, { "DD13", "Hợp đồng chuyển nhượng", 0 } }, 60, 0 },
	{ "1.012810", "Đăng ký đất đai, tài sản gắn liền với đất, cấp Giấy chứng nhận lần đầu", "Đất đai", "department", "000.10.10.H24", "partial", 20, 0,
	  { { "Lệ phí cấp Giấy chứng nhận", 100000, 100000 } },
	  { { "DD21", "Đơn đăng ký, cấp Giấy chứng nhận", 1 }, { "DD22", "Giấy tờ về quyền sử dụng đất", 1 } }, 30, 0 },
	{ "1.000105", "Cấp giấy phép lao động cho người lao động nước ngoài", "Việc làm", "department", "000.00.03.H24", "full", 10, 0,
	  { { "Lệ phí cấp giấy phép lao động", 600000, 600000 } },
	  { { "LD01", "Văn bản đề nghị cấp giấy phép lao động", 1 }, { "LD02", "Giấy chứng nhận sức khỏe", 1 }, { "LD03", "Hộ chiếu", 1 } }, 12, 1 },
	{ "1.003434", "Cấp giấy chứng nhận đăng ký hoạt động khoa học và công nghệ", "Hoạt động khoa học và công nghệ", "department", "000.00.14.H24", "full", 15, 0,
	  { { "Phí thẩm định", 0, 0 } },
	  { { "KH11", "Đơn đề nghị đăng ký hoạt động", 1 }, { "KH12", "Điều lệ tổ chức", 1 } }, 4, 1 },
	{ "1.012267", "Cấp giấy phép hành nghề khám bệnh, chữa bệnh", "Khám bệnh, chữa bệnh", "department", "000.00.17.H24", "partial", 30, 0,
	  { { "Phí thẩm định", 360000, 360000 } },
	  { { "YT01", "Đơn đề nghị cấp giấy phép hành nghề", 1 }, { "YT02", "Văn bằng chuyên môn", 1 }, { "YT03", "Giấy chứng nhận sức khỏe", 1 } }, 15, 0 },
	{ "1.004616", "Cấp Chứng chỉ hành nghề dược", "Dược phẩm", "department", "000.00.17.H24", "full", 20, 0,
	  { { "Phí thẩm định", 500000, 500000 } },
	  { { "YT11", "Đơn đề nghị cấp Chứng chỉ hành nghề dược", 1 }, { "YT12", "Văn bằng chuyên môn", 1 } }, 10, 0 },
	{ "1.005092", "Cấp bản sao văn bằng, chứng chỉ từ sổ gốc", "Văn bằng, chứng chỉ", "department", "000.00.16.H24", "full", 5, 0,
	  { { "Phí cấp bản sao", 3000, 3000 } },
	  { { "GD01", "Đơn đề nghị cấp bản sao văn bằng", 1 }, CCCD }, 20, 0 },
	{ "2.000633", "Cấp Giấy phép bán lẻ sản phẩm rượu", "Lưu thông hàng hóa trong nước", "department", "000.00.08.H24", "full", 10, 0,
	  { { "Phí thẩm định", 1200000, 600000 } },
	  { { "CT11", "Đơn đề nghị cấp giấy phép", 1 }, { "CT12", "Giấy chứng nhận đăng ký doanh nghiệp", 1 } }, 12, 1 },
	{ "1.001029", "Cấp Giấy phép đủ điều kiện kinh doanh dịch vụ karaoke", "Văn hóa", "department", "000.00.18.H24", "full", 5, 0,
	  { { "Phí thẩm định", 4000000, 2000000 } },
	  { { "VH01", "Đơn đề nghị cấp giấy phép", 1 }, { "VH02", "Giấy chứng nhận đăng ký doanh nghiệp", 1 } }, 8, 1 },
	{ "1.009645", "Cấp Giấy chứng nhận đăng ký đầu tư", "Đầu tư tại Việt Nam", "department", "000.00.22.H24", "partial", 15, 0,
	  { { "Lệ phí", 0, 0 } },
	  { { "DT01", "Văn bản đề nghị thực hiện dự án đầu tư", 1 }, { "DT02", "Đề xuất dự án đầu tư", 1 }, { "DT03", "Báo cáo năng lực tài chính", 1 } }, 10, 1 },
};
const size_t seed_n_procedures = N(seed_procedures);

const seed_day seed_holidays[] = {
	{ "2024-01-01", "Tết Dương lịch" },
	{ "2024-02-08", "Tết Nguyên đán" }, { "2024-02-09", "Tết Nguyên đán" },
	{ "2024-02-12", "Tết Nguyên đán" }, { "2024-02-13", "Tết Nguyên đán" },
	{ "2024-02-14", "Tết Nguyên đán" },
	{ "2024-04-18", "Giỗ Tổ Hùng Vương" },
	{ "2024-04-29", "Nghỉ bù (hoán đổi ngày làm việc)" },
	{ "2024-04-30", "Ngày Chiến thắng" }, { "2024-05-01", "Ngày Quốc tế Lao động" },
	{ "2024-09-02", "Quốc khánh" }, { "2024-09-03", "Quốc khánh" },
	{ "2025-01-01", "Tết Dương lịch" },
	{ "2025-01-27", "Tết Nguyên đán" }, { "2025-01-28", "Tết Nguyên đán" },
	{ "2025-01-29", "Tết Nguyên đán" }, { "2025-01-30", "Tết Nguyên đán" },
	{ "2025-01-31", "Tết Nguyên đán" },
	{ "2025-04-07", "Giỗ Tổ Hùng Vương" },
	{ "2025-04-30", "Ngày Chiến thắng" }, { "2025-05-01", "Ngày Quốc tế Lao động" },
	{ "2025-05-02", "Nghỉ bù (hoán đổi ngày làm việc)" },
	{ "2025-09-01", "Quốc khánh" }, { "2025-09-02", "Quốc khánh" },
	{ "2026-01-01", "Tết Dương lịch" }, { "2026-01-02", "Nghỉ bù (hoán đổi ngày làm việc)" },
	{ "2026-02-16", "Tết Nguyên đán" }, { "2026-02-17", "Tết Nguyên đán" },
	{ "2026-02-18", "Tết Nguyên đán" }, { "2026-02-19", "Tết Nguyên đán" },
	{ "2026-02-20", "Tết Nguyên đán" },
	{ "2026-04-27", "Giỗ Tổ Hùng Vương (nghỉ bù)" },
	{ "2026-04-30", "Ngày Chiến thắng" }, { "2026-05-01", "Ngày Quốc tế Lao động" },
	{ "2026-09-01", "Quốc khánh" }, { "2026-09-02", "Quốc khánh" },
	{ "2027-01-01", "Tết Dương lịch" },
	{ "2027-02-05", "Tết Nguyên đán" }, { "2027-02-08", "Tết Nguyên đán" },
	{ "2027-02-09", "Tết Nguyên đán" }, { "2027-02-10", "Tết Nguyên đán" },
	{ "2027-02-11", "Tết Nguyên đán" },
	{ "2027-04-16", "Giỗ Tổ Hùng Vương" },
	{ "2027-04-30", "Ngày Chiến thắng" }, { "2027-05-03", "Ngày Quốc tế Lao động (nghỉ bù)" },
	{ "2027-09-02", "Quốc khánh" }, { "2027-09-03", "Quốc khánh" },
};
const size_t seed_n_holidays = N(seed_holidays);

const seed_day seed_working_saturdays[] = {
	{ "2024-05-04", "Làm bù cho ngày 29/4/2024" },
	{ "2025-04-26", "Làm bù cho ngày 2/5/2025" },
	{ "2026-01-10", "Làm bù cho ngày 2/1/2026" },
};
const size_t seed_n_working_saturdays = N(seed_working_saturdays);

/* Shares in per mille, after the usual surveys of Vietnamese surnames. */
const seed_weighted seed_family_names[] = {
	{ "Nguyễn", 380 }, { "Trần", 110 }, { "Lê", 95 }, { "Phạm", 70 }, { "Hoàng", 40 },
	{ "Huỳnh", 11 }, { "Phan", 45 }, { "Vũ", 30 }, { "Võ", 9 }, { "Đặng", 21 },
	{ "Bùi", 20 }, { "Đỗ", 14 }, { "Hồ", 13 }, { "Ngô", 13 }, { "Dương", 10 },
	{ "Lý", 5 }, { "Đinh", 20 }, { "Đào", 18 }, { "Mai", 12 }, { "Trịnh", 14 },
	{ "Lương", 10 }, { "Cao", 10 }, { "Tạ", 5 }, { "Vương", 5 }, { "Đoàn", 10 },
};
const size_t seed_n_family_names = N(seed_family_names);

const char *const seed_middle_male[] = { "Văn", "Đức", "Minh", "Quang", "Hữu", "Thành", "Công", "Xuân", "Tiến", "Duy" };
const char *const seed_middle_female[] = { "Thị", "Thu", "Ngọc", "Thanh", "Minh", "Phương", "Hồng", "Kim", "Thùy", "Bích" };
const size_t seed_n_middle = N(seed_middle_male);
const char *const seed_given_male[] = {
	"An", "Bình", "Cường", "Dũng", "Đức", "Hải", "Hùng", "Huy", "Khánh", "Long",
	"Nam", "Phong", "Quân", "Sơn", "Thắng", "Toàn", "Trung", "Tuấn", "Việt", "Vinh",
};
const char *const seed_given_female[] = {
	"Anh", "Chi", "Dung", "Giang", "Hà", "Hạnh", "Hoa", "Hương", "Lan", "Linh",
	"Mai", "Ngân", "Nhung", "Oanh", "Phương", "Quỳnh", "Thảo", "Trang", "Tuyết", "Yến",
};
const size_t seed_n_given = N(seed_given_male);

const char *const seed_streets[] = {
	"Lạch Tray", "Trần Phú", "Điện Biên Phủ", "Lê Lợi", "Tô Hiệu", "Hai Bà Trưng",
	"Lê Thánh Tông", "Đà Nẵng", "Nguyễn Văn Linh", "Văn Cao", "Trần Nguyên Hãn",
	"Cầu Đất", "Hoàng Văn Thụ", "Lý Thường Kiệt", "Quang Trung", "Minh Khai",
	"Nguyễn Lương Bằng", "Thống Nhất", "Trần Hưng Đạo", "Phạm Văn Đồng",
};
const size_t seed_n_streets = N(seed_streets);

const char *const seed_company_words[] = {
	"Thương mại Hải Long", "Vận tải biển Đông Á", "Xây dựng Minh Phát", "Logistics Cảng Xanh",
	"Thực phẩm An Bình", "Cơ khí Tiến Đạt", "Dịch vụ Hoàng Gia", "Điện tử Việt Hưng",
	"Nội thất Phú Gia", "Du lịch Cát Bà Xanh", "Dệt may Thành Công", "Nông sản Vĩnh Bảo",
};
const size_t seed_n_company_words = N(seed_company_words);
